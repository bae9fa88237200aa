<#list xs>[<#items as x>${x}<#sep>, </#sep></#items>]<#else>none</#list>
