<#list xs as x>
  <#if x == "b">
    bee
  <#else>
    ${x}
  </#if>
</#list>
