<#list h as k, v>${k?index}:${k}=${v}<#sep>, </#list>
