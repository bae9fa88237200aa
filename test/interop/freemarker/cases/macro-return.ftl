<#macro m x><#if x == 0>zero<#return></#if>nonzero</#macro><@m 0/> <@m 1/>
