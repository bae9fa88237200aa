<#if true>   
body
</#if>   
end
