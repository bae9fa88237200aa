<#list h as k, v>${k}=${v?is_boolean?then(v?c, v)}<#sep>&</#list>
