<#if true><#continue></#if>
