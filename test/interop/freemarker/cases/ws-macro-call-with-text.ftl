<#macro m>M</#macro>
before <@m/>
  <@m/> after
