<#list xs as x>${x}<#if x?has_next>|</#if></#list>
