<#assign t = "tcp">
<#if t == "udp">
  transport = 0
<#elseif t == "tcp">
  transport = 1
<#else>
  transport = 2
</#if>
