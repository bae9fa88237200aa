<#assign x = "main"><#global g = "global">
<#macro m><#local x = "local">${x} ${g}<#assign y = "set in macro"></#macro>
<@m/> ${x} ${y}
