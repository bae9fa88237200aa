<#macro m>M</#macro>
t
<@m/> <#if true></#if>
end
