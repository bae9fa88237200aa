<#list [1, 5, 10] as n><#if n < 3>small<#elseif n < 8>mid<#else>big</#if> </#list>
