<#if "udp" == "udp">eq</#if> <#if "UDP" != "udp">ne</#if> <#if "" == "">empty</#if>
