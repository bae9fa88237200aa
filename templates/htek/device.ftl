<?xml version="1.0" encoding="UTF-8"?>
<#-- edgeprov sample for FreeMarker: Htek cfg<mac>.xml / <mac>.cfg (the device config, P-values).
     Account 1's codes and the passwords of accounts 2-6 (P734, P506, P606, P1706, P1806) are from
     the reference; the other codes of accounts 2-6, the transport numbering and the admin and
     provisioning codes follow Grandstream's and are UNVERIFIED. The table stops at 6 accounts: a
     7th line fails the render instead of being dropped silently. -->
<#assign accounts = [
  {"active": "P271", "label": "P270", "server": "P47", "user": "P35", "auth": "P36", "password": "P34", "display": "P3", "transport": "P130"},
  {"active": "P401", "label": "P417", "server": "P402", "user": "P404", "auth": "P405", "password": "P734", "display": "P407", "transport": "P448"},
  {"active": "P501", "label": "P517", "server": "P502", "user": "P504", "auth": "P505", "password": "P506", "display": "P507", "transport": "P548"},
  {"active": "P601", "label": "P617", "server": "P602", "user": "P604", "auth": "P605", "password": "P606", "display": "P607", "transport": "P648"},
  {"active": "P1701", "label": "P1717", "server": "P1702", "user": "P1704", "auth": "P1705", "password": "P1706", "display": "P1707", "transport": "P1748"},
  {"active": "P1801", "label": "P1817", "server": "P1802", "user": "P1804", "auth": "P1805", "password": "P1806", "display": "P1807", "transport": "P1848"}
]>
<#assign transportCode = {"udp": 0, "tcp": 1, "tls": 2}>
<hl_provision version="1">
<config version="1">
<P2 para="AdminPassword">${device.login_password?xml}</P2>
<P30 para="NTPServer">${site.ntp_server?xml}</P30>
<P64 para="TimeZone">${site.timezone?xml}</P64>
<P237 para="ConfigServerPath">${provisioning.url?xml}</P237>
<P1360 para="ConfigServerUser">${provisioning.username?xml}</P1360>
<P1361 para="ConfigServerPassword">${provisioning.password?xml}</P1361>
<#list lines as l>
  <#assign p = accounts[l?index]>
  <#assign n = l.index?c>
<${p.active} para="Account${n}_Active">1</${p.active}>
<${p.label} para="Account${n}_Label">${l.label?xml}</${p.label}>
<${p.server} para="Account${n}_Sipserver">${l.server?xml}:${l.port?c}</${p.server}>
<${p.user} para="Account${n}_SipUserId">${l.username?xml}</${p.user}>
<${p.auth} para="Account${n}_AuthenticateID">${(l.auth_username!l.username)?xml}</${p.auth}>
<${p.password} para="Account${n}_AuthenticatePassword">${l.password?xml}</${p.password}>
<${p.display} para="Account${n}_DisplayName">${l.display_name?xml}</${p.display}>
<${p.transport} para="Account${n}_SipTransport">${transportCode[l.transport]!0}</${p.transport}>
</#list>
</config>
</hl_provision>
