#!version:1.0.0.1
## ${device.model} "${device.name}" at ${site.name}, generated for ${device.mac}
<#assign transportCodes = {"udp": 0, "tcp": 1, "tls": 2}>
<#macro account l>
account.${l.index}.enable = 1
account.${l.index}.label = ${l.label}
account.${l.index}.display_name = ${l.display_name}
account.${l.index}.auth_name = ${l.auth_username}
account.${l.index}.user_name = ${l.username}
account.${l.index}.password = ${l.password}
account.${l.index}.sip_server.1.address = ${l.server}
account.${l.index}.sip_server.1.port = ${l.port?c}
account.${l.index}.sip_server.1.transport_type = ${transportCodes[l.transport]}
  <#if l.outbound_proxy?has_content>
account.${l.index}.outbound_proxy_enable = 1
account.${l.index}.outbound_proxy.1.address = ${l.outbound_proxy}
  </#if>

</#macro>
static.security.user_name.admin = admin
static.security.user_password = admin:${device.login_password}

local_time.time_zone_name = ${site.timezone}
local_time.ntp_server1 = ${site.ntp_server}

static.auto_provision.server.url = ${provisioning.url}
static.auto_provision.server.username = ${provisioning.username}
static.auto_provision.server.password = ${provisioning.password}

<#list lines as l>
<@account l/>
</#list>
