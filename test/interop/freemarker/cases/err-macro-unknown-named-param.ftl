<#macro m a>${a}</#macro><@m a=1 c=2/>
