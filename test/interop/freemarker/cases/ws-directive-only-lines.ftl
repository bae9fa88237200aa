first
<#if true>
inside
</#if>
last
