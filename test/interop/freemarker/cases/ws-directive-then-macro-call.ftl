<#macro m>M</#macro>
t
<#if true></#if> <@m/>
end
