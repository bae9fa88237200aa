<#assign x = ${1}>
