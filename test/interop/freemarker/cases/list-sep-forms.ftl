<#list xs as x>${x}<#sep>;</#list>|<#list xs as x>${x}<#sep>, </#sep></#list>|<#list xs as x>${x}<#sep>,<#if x?index == 1>!</#if></#list>
