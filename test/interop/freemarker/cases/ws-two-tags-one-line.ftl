<#if true><#if true>
x
</#if></#if>
y
