#!version:1.0.0.1
local_time.ntp_server1 = ${site.ntp_server!"pool.ntp.org"}
local_time.time_zone_name = ${(site.timezone)!"UTC"}
<#list lines as l>
account.${l.index}.enable = 1
account.${l.index}.label = ${l.label!l.extension}
account.${l.index}.user_name = ${l.username}
account.${l.index}.password = ${l.password}
account.${l.index}.outbound_proxy.1.address = ${l.outbound_proxy!}
account.${l.index}.sip_server.1.port = ${(l.port!server.sip_port)?c}
</#list>
