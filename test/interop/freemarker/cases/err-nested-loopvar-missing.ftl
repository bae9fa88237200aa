<#list xs as x>${y}</#list>
