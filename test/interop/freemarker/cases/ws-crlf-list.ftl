<#list xs as x>
  ${x}
</#list>
end
