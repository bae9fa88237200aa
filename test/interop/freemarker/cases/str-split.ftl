<#list "a,b,,c"?split(",") as p>[${p}]</#list> ${""?split(",")?size} <#list "1 2  3"?split(" +", "r") as p>(${p})</#list>
