#!version:1.0.0.1
<#list lines as l>
account.${l.index}.enable = 1
account.${l.index}.user_name = ${l.username}
account.${l.index}.sip_server.1.port = ${l.port?c}
</#list>
static.auto_provision.server.url = ${provisioning.url}
