<#-- transport name -> vendor code tables -->
<#assign fanvil = {"udp": 0, "tcp": 1, "tls": 3}>
<#assign poly = {"udp": "UDPOnly", "tcp": "TCPOnly", "tls": "TLS"}>
<#function cisco t>
<#switch t>
<#case "tcp"><#return "TCP">
<#case "tls"><#return "TLS">
<#default><#return "UDP">
</#switch>
</#function>
