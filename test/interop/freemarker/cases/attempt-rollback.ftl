start <#attempt>partial ${ok} ${missing} never<#recover>recovered</#attempt> end
