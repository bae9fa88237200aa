<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<#-- edgeprov sample for FreeMarker: Poly <mac>-user.cfg (the device config), named first in
     CONFIG_FILES of the master config (boot sample), so its values win over common.cfg.
     One reg.N block per line. Transports map to UDPOnly/TCPOnly/TLS; the provisioning server
     type follows the URL's scheme. Poly has no time-zone name setting
     (tcpIpApp.sntp.gmtOffset is in seconds), so site.timezone is not used. -->
<#assign polyTransport = {"udp": "UDPOnly", "tcp": "TCPOnly", "tls": "TLS"}>
<#assign serverType = provisioning.url?starts_with("https:")?then("HTTPS", "HTTP")>
<polycomConfig>
  <device device.set="1"
    device.auth.localAdminPassword.set="1" device.auth.localAdminPassword="${device.login_password?xml}"
    device.prov.serverName.set="1" device.prov.serverName="${provisioning.url?xml}"
    device.prov.serverType.set="1" device.prov.serverType="${serverType}"
    device.prov.user.set="1" device.prov.user="${provisioning.username?xml}"
    device.prov.password.set="1" device.prov.password="${provisioning.password?xml}"/>
  <tcpIpApp tcpIpApp.sntp.address="${site.ntp_server?xml}" tcpIpApp.sntp.address.overrideDHCP="1"/>
<#list lines as l>
  <reg reg.${l.index?c}.address="${l.username?xml}"
    reg.${l.index?c}.auth.userId="${(l.auth_username!l.username)?xml}"
    reg.${l.index?c}.auth.password="${l.password?xml}"
    reg.${l.index?c}.displayName="${l.display_name?xml}"
    reg.${l.index?c}.label="${l.label?xml}"
    reg.${l.index?c}.server.1.address="${l.server?xml}"
    reg.${l.index?c}.server.1.port="${l.port?c}"
    reg.${l.index?c}.server.1.transport="${polyTransport[l.transport]!"UDPOnly"}"/>
</#list>
</polycomConfig>
