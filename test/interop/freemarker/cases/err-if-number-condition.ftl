<#if 1>x</#if>
