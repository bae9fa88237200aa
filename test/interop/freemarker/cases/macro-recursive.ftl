<#macro count n><#if n gt 0>${n} <@count n - 1/></#if></#macro><@count 3/>
