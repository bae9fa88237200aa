<#list xs as x><#if x == "charlie"><#break></#if>${x} </#list>
