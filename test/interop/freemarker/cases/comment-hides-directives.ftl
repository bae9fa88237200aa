a<#-- <#if> ${missing} -->b
