${xs?reverse?join(",")}
<#list [1,2,3,4,5]?chunk(2) as row>${row?join("")};</#list>
<#list [1,2,3,4,5]?chunk(2, 0) as row>${row?join("")};</#list>
