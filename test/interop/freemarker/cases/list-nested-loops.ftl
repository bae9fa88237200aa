<#list [1, 2] as a><#list ["x", "y"] as b>${a}${b}${a?index}${b?index} </#list></#list>
