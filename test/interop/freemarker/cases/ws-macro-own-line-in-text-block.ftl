<#macro m>[m]</#macro>
text
<@m/>
<@m/><@m/>
  <@m/>  <@m/>  
end
