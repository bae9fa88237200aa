<#list xs as x>
${x}<#sep>,
</#sep>
</#list>
