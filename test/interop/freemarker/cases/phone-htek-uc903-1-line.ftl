<#include "_lib/xml-header.ftl">
<#assign codes = [
  {"active": "P271", "server": "P47", "user": "P35", "auth": "P36", "pass": "P34", "name": "P3", "transport": "P130"},
  {"active": "P401", "server": "P402", "user": "P404", "auth": "P405", "pass": "P734", "name": "P407", "transport": "P448"}
]>
<hl_provision version="1">
<config version="1">
<P2 para="AdminPassword">${device.login_password?xml}</P2>
<P30 para="NTPServer">${site.ntp_server}</P30>
<#list lines as l>
  <#assign c = codes[l?index]>
<${c.active} para="Account${l.index}_Active">1</${c.active}>
<${c.server} para="Account${l.index}_Sipserver">${l.server}:${l.port?c}</${c.server}>
<${c.user} para="Account${l.index}_SipUserId">${l.username?xml}</${c.user}>
<${c.auth} para="Account${l.index}_AuthenticateID">${l.auth_username?xml}</${c.auth}>
<${c.pass} para="Account${l.index}_AuthenticatePassword">${l.password?xml}</${c.pass}>
<${c.name} para="Account${l.index}_DisplayName">${l.display_name?xml}</${c.name}>
<${c.transport} para="Account${l.index}_SipTransport">${["udp", "tcp", "tls"]?seq_index_of(l.transport)}</${c.transport}>
</#list>
</config>
</hl_provision>
