a<#sep>,
