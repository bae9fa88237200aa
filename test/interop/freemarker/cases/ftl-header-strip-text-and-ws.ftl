<#ftl strip_whitespace=true>
<#if true>
x
</#if>
