<#macro m>
M
</#macro>
x
<@m/>
y
