<#switch 1><#case "1">one</#switch>
