<#assign t = "tls"><#if t == "tls" || t == "TLS">secure</#if>
