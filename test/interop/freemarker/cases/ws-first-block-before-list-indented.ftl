a
  <#list [1] as i>
x
  </#list>
z
