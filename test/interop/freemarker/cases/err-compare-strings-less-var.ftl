<#assign a = "a" b = "b"><#if a < b>lt</#if>
