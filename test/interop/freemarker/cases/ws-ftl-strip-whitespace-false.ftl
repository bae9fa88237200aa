<#ftl strip_whitespace=false>
a
<#if true>
b
</#if>
c
