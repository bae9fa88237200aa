a
  <#assign b = 1>
x
