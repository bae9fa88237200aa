<#break>
