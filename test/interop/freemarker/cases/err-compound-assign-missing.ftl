<#assign total += 1>
