a
  <@m/>
x
<#macro m>M</#macro>
