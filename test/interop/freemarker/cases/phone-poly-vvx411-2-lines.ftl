<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<#assign polyTransport = {"udp": "UDPOnly", "tcp": "TCPOnly", "tls": "TLS"}>
<!-- ${device.model} ${device.name?xml} (${device.mac}) -->
<polycomConfig>
  <device device.set="1"
    device.auth.localAdminPassword.set="1" device.auth.localAdminPassword="${device.login_password?xml}"
    device.prov.serverName.set="1" device.prov.serverName="${provisioning.url?xml}"
    device.prov.serverType.set="1" device.prov.serverType="<#if provisioning.url?starts_with("https:")>HTTPS<#else>HTTP</#if>"
    device.prov.user.set="1" device.prov.user="${provisioning.username?xml}"
    device.prov.password.set="1" device.prov.password="${provisioning.password?xml}"/>
  <tcpIpApp.sntp tcpIpApp.sntp.address="${site.ntp_server?xml}" tcpIpApp.sntp.address.overrideDHCP="1"/>
  <reg
<#list lines as l>
    reg.${l.index}.address="${l.username?xml}"
    reg.${l.index}.auth.userId="${l.auth_username?xml}"
    reg.${l.index}.auth.password="${l.password?xml}"
    reg.${l.index}.displayName="${l.display_name?xml}"
    reg.${l.index}.label="${l.label?xml}"
    reg.${l.index}.server.1.address="${l.server?xml}"
    reg.${l.index}.server.1.port="${l.port?c}"
    reg.${l.index}.server.1.transport="${polyTransport[l.transport]}"
    reg.${l.index}.server.1.expires="3600"<#sep>

</#sep>
</#list>
  />
</polycomConfig>
