<#macro m><#local v = "macro"><#nested></#macro><#assign v = "caller"><@m>${v}</@m>
