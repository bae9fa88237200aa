<#list "abc" as c>${c}</#list>
