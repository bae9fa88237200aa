<#assign x>
