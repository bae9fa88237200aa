<#if "true">x</#if>
