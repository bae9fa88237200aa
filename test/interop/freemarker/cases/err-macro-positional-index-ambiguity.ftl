<#macro m a b="">${a?size}</#macro><@m [1] []/>
