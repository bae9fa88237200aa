<#if false && missing.deep>x<#else>no error</#if> <#if true || missing>yes</#if>
