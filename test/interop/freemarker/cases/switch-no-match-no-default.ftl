[<#switch "x"><#case "a">a</#switch>]
