<#macro m first rest...>${first}:<#list rest as r>${r}<#sep>,</#list></#macro><@m 1, 2, 3/> <#macro n opts...><#list opts as k, v>${k}=${v} </#list></#macro><@n a="1" b="2"/>
