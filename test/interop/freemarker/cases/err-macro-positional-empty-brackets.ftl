<#macro m a b="">${a}</#macro><@m "x" []/>
