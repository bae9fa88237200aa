<#list xs as x>
${x}
  <#nt>
</#list>
