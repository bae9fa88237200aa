<#macro m a b>${a}${b}</#macro><@m a=1/>
