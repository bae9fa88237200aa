<#assign t = tpl?interpret><@t/>
