<#if true>value
</#if>after
