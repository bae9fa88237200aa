<#if true><#list [1] as x></#if></#list>
