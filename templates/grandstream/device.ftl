<?xml version="1.0" encoding="UTF-8"?>
<#-- edgeprov sample for FreeMarker: Grandstream cfg<mac>.xml (the device config, P-values).
     The P-value table we know stops at 6 accounts (1: P271.., 2-4: P4xx-P6xx, 5-6: P17xx-P18xx);
     a 7th line fails the render instead of being dropped silently. The account-name (x17) and
     transport (P130, x48) codes of accounts 2-6 and the transport numbering are UNVERIFIED.
     P212 follows the URL's scheme; P237 gets the whole URL (newer firmware takes the scheme from
     it, unverified). P64 wants a POSIX TZ string; site.timezone is written as given. -->
<#assign accounts = [
  {"active": "P271", "label": "P270", "server": "P47", "user": "P35", "auth": "P36", "password": "P34", "display": "P3", "transport": "P130"},
  {"active": "P401", "label": "P417", "server": "P402", "user": "P404", "auth": "P405", "password": "P406", "display": "P407", "transport": "P448"},
  {"active": "P501", "label": "P517", "server": "P502", "user": "P504", "auth": "P505", "password": "P506", "display": "P507", "transport": "P548"},
  {"active": "P601", "label": "P617", "server": "P602", "user": "P604", "auth": "P605", "password": "P606", "display": "P607", "transport": "P648"},
  {"active": "P1701", "label": "P1717", "server": "P1702", "user": "P1704", "auth": "P1705", "password": "P1706", "display": "P1707", "transport": "P1748"},
  {"active": "P1801", "label": "P1817", "server": "P1802", "user": "P1804", "auth": "P1805", "password": "P1806", "display": "P1807", "transport": "P1848"}
]>
<#assign transportCode = {"udp": 0, "tcp": 1, "tls": 2}>
<gs_provision version="1">
  <mac>${device.mac}</mac>
  <config version="1">
    <P2>${device.login_password?xml}</P2>
    <P30>${site.ntp_server?xml}</P30>
    <P64>${site.timezone?xml}</P64>
    <P212>${provisioning.url?starts_with("https:")?then(2, 1)}</P212>
    <P237>${provisioning.url?xml}</P237>
    <P1360>${provisioning.username?xml}</P1360>
    <P1361>${provisioning.password?xml}</P1361>
<#list lines as l>
  <#assign p = accounts[l?index]>
    <!-- account ${l.index?c} -->
    <${p.active}>1</${p.active}>
    <${p.label}>${l.label?xml}</${p.label}>
    <${p.server}>${l.server?xml}:${l.port?c}</${p.server}>
    <${p.user}>${l.username?xml}</${p.user}>
    <${p.auth}>${(l.auth_username!l.username)?xml}</${p.auth}>
    <${p.password}>${l.password?xml}</${p.password}>
    <${p.display}>${l.display_name?xml}</${p.display}>
    <${p.transport}>${transportCode[l.transport]!0}</${p.transport}>
</#list>
  </config>
</gs_provision>
