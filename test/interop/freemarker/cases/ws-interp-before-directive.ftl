${"v"} <#if true>
body
</#if>
