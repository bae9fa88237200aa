<#global g = "G">
<#macro m>
  <#local l = "L">
${g}${l}
</#macro>
<@m/>
