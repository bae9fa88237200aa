<#-- edgeprov sample for FreeMarker: Mitel/Aastra <MAC>.cfg (the device config), read after
     aastra.cfg and <model>.cfg, so its values win. One block per line. The per-line transport key
     and its codes (1 UDP, 2 TCP, 4 TLS) are best-known values, UNVERIFIED. The next provisioning
     server is cut out of provisioning.url: protocol, server, port and path. No key for HTTP
     credentials is known, so the phone fetches without them. time zone name wants Mitel names
     (US-Eastern); site.timezone is written as given. -->
<#assign mitelTransport = {"udp": 1, "tcp": 2, "tls": 4}>
<#assign scheme = provisioning.url?keep_before("://")?lower_case>
<#assign hostPort = provisioning.url?keep_after("://")?keep_before("/")>
<#assign path = provisioning.url?keep_after("://")?keep_after("/")>
# ${device.model} ${device.mac_upper}
admin password: ${device.login_password}
time server disabled: 0
time server1: ${site.ntp_server}
time zone name: ${site.timezone}
contact rcs: 0
download protocol: ${scheme?upper_case}
${scheme} server: ${hostPort?keep_before(":")}
<#if hostPort?contains(":")>
${scheme} port: ${hostPort?keep_after(":")}
</#if>
${scheme} path: ${path}
<#list lines as l>

sip line${l.index?c} auth name: ${l.auth_username!l.username}
sip line${l.index?c} user name: ${l.username}
sip line${l.index?c} password: ${l.password}
sip line${l.index?c} display name: ${l.display_name}
sip line${l.index?c} screen name: ${l.label}
sip line${l.index?c} proxy ip: ${l.server}
sip line${l.index?c} proxy port: ${l.port?c}
sip line${l.index?c} registrar ip: ${l.server}
sip line${l.index?c} registrar port: ${l.port?c}
sip line${l.index?c} transport protocol: ${mitelTransport[l.transport]!1}
</#list>
