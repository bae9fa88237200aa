<#list xs>
  <ul>
  <#items as x>
    <li>${x}</li>
  </#items>
  </ul>
<#else>
  empty
</#list>
<#list [] as y>
  ${y}
<#else>
  none
</#list>
