<#macro m>M</#macro>
t
  <@m/>  <@m/>  
end
