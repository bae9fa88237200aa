<#if a or b>x</#if>
