values: <#list xs as x>${x}<#sep>, </#list>
