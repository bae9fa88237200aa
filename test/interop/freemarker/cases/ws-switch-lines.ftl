<#assign t = "tls">
<#switch t>
  <#case "udp">
    0
    <#break>
  <#case "tls">
    2
    <#break>
  <#default>
    1
</#switch>
