<#assign a = 1>

<#assign b = 2>


${a + b}
