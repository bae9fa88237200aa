<#-- Yealink key = value macros, imported as a namespace -->
<#assign transportCodes = {"udp": 0, "tcp": 1, "tls": 2}>
<#function transportCode t>
  <#return transportCodes[t]!0>
</#function>
<#macro kv key value>
${key} = ${value}
</#macro>
<#macro account l>
<#local p = "account." + l.index + ".">
<@kv p + "enable", 1/>
<@kv p + "label", l.label!l.extension/>
<@kv p + "display_name", l.display_name/>
<@kv p + "auth_name", l.auth_username/>
<@kv p + "user_name", l.username/>
<@kv p + "password", l.password/>
<@kv p + "sip_server.1.address", l.server/>
<@kv p + "sip_server.1.port", l.port?c/>
<@kv p + "sip_server.1.transport_type", transportCode(l.transport)/>
</#macro>
