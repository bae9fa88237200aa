<#list "a1b22c333"?matches("[0-9]+") as g>[${g}]</#list>
