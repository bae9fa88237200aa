<#list xs as x>
  ${x}  <#t>
</#list>
.
