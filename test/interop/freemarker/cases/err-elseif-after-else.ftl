<#if true>a<#else>b<#elseif false>c</#if>
