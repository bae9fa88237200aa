ok
<#if>
