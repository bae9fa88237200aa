<#-- key = value helpers shared by cases (imported as a namespace) -->
<#assign sep = " = ">
<#macro pair k v>
${k}${sep}<#if v?is_number>${v?c}<#elseif v?is_boolean>${v?then("1", "0")}<#else>${v}</#if>
</#macro>
