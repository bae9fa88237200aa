<#list xs as x>
item ${x}
</#list>
end
