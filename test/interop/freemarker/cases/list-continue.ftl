<#list xs as x><#if x?index % 2 == 1><#continue></#if>${x} </#list>
