<#assign x = 1>
a
  <#if true>
x
  </#if>
z
