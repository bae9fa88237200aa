<#-- c -->
<#assign a = 2>
v=${a}
