<#if true>
a
  <#if true>
x
  </#if>
</#if>
z
