[#if true]x[/#if] [@m/] <#if true>real</#if>
