<#if false>
no
<#else>
yes
</#if>
