#!version:1.0.0.1
template.1.sip_server.1.address = ${server.host}
template.1.sip_server.1.port = ${server.sip_port?c}
template.1.sip_server.1.transport_type = <#switch server.sip_transport><#case "tcp">1<#break><#case "tls">2<#break><#default>0</#switch>

sip.notify_reboot_enable = 1
<#list lines as l>
account.${l.index}.enable = 1
account.${l.index}.sip_server.template = 1
account.${l.index}.user_name = ${l.username}
account.${l.index}.auth_name = ${l.auth_username}
account.${l.index}.password = ${l.password}
account.${l.index}.display_name = ${l.display_name}
handset.${l.index}.name = ${l.label?truncate(12, "")}
</#list>
