<#compress>
<#list xs as x>
    x = ${x}


</#list>
</#compress>
after
