<#if true>
body
</#if>
tail
