<#assign a = 1>
<#ftl>
