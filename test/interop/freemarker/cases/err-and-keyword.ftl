<#if a and b>x</#if>
