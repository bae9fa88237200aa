x<#if true>   <#if true>y</#if></#if>z
