x<#assign a=1>   ${a}y
