<#list h as k, v>${k} </#list>| ${h?values?join(",")}
