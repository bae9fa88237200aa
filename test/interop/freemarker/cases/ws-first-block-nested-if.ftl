a
  <#if true>
  <#if true>
x
  </#if>
  </#if>
z
