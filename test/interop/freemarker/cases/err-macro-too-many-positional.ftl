<#macro m a>${a}</#macro><@m 1, 2/>
