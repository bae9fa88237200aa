<#assign x = "outer"><#list ["inner"] as x>${x} </#list>${x}
