<#list xs as x>${x}
