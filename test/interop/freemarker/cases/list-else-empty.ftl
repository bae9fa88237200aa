<#list empty as x>${x}<#else>(nothing)</#list>|<#list xs as x>${x}<#else>(nothing)</#list>
