<#local x = 1>
