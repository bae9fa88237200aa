x<#assign a=1> <#-- note --> <#assign b=2>y
