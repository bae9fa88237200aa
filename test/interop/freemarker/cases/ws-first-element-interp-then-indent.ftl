${"a"}
  <#if true>
x
  </#if>
z
