<#macro m>M</#macro>${m()}
