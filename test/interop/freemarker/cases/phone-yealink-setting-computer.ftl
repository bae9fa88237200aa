#!version:1.0.0.1
<#setting number_format="computer">
<#list lines as l>
account.${l.index}.sip_server.1.port = ${l.port}
account.${l.index}.sip_server.1.expires = ${3600}
</#list>
static.network.vlan.internet_port_vid = ${1100}
