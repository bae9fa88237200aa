#!version:1.0.0.1
<#-- edgeprov sample for FreeMarker: Yealink <mac>.cfg (the device config).
     One account block per line of the device (DECT bases carry up to 250).
     Transports map to Yealink's codes (0 UDP, 1 TCP, 2 TLS).
     site.timezone is written as given (an IANA name); Yealink's own zone names and
     local_time.time_zone (+1) differ: adjust for your site.
     The provisioning .username/.password key names are unverified (the reference marks them so),
     and so are the outbound-proxy keys (not in the reference). -->
<#assign transportCode = {"udp": 0, "tcp": 1, "tls": 2}>
static.security.user_name.admin = admin
static.security.user_password = admin:${device.login_password}

local_time.time_zone_name = ${site.timezone}
local_time.ntp_server1 = ${site.ntp_server}

static.auto_provision.server.url = ${provisioning.url}
static.auto_provision.server.username = ${provisioning.username}
static.auto_provision.server.password = ${provisioning.password}
<#list lines as l>

account.${l.index?c}.enable = 1
account.${l.index?c}.label = ${l.label!l.extension}
account.${l.index?c}.display_name = ${l.display_name}
account.${l.index?c}.auth_name = ${l.auth_username!l.username}
account.${l.index?c}.user_name = ${l.username}
account.${l.index?c}.password = ${l.password}
account.${l.index?c}.sip_server.1.address = ${l.server}
account.${l.index?c}.sip_server.1.port = ${l.port?c}
account.${l.index?c}.sip_server.1.transport_type = ${transportCode[l.transport]!0}
  <#if (l.outbound_proxy!"")?has_content>
account.${l.index?c}.outbound_proxy_enable = 1
account.${l.index?c}.outbound_proxy.1.address = ${l.outbound_proxy}
  </#if>
</#list>
