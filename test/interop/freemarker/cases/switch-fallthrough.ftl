<#list [1, 2, 3] as n><#switch n><#case 1>one <#case 2>two <#break><#default>other </#switch>|</#list>
