<#macro m>M</#macro>
t
${"i"} <@m/>
end
