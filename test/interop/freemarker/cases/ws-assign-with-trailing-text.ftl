<#assign a = 1> tail ${a}
next
