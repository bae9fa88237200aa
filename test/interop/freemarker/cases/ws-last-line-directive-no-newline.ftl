a
<#if true>
b
</#if>