${h?keys?join(",")}
<#list h?values as v>${v?is_boolean?then(v?c, v)};</#list>
