  <#assign a = 1>
x
