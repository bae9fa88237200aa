<?xml version="1.0" encoding="UTF-8"?>
<#-- edgeprov sample for FreeMarker: Gigaset Nx70 <mac>.xml (the device config).
     Account N uses SIP provider N-1 and handset number 0000N (as wazo writes it). Port keys and
     the transport codes (1 UDP, 2 TCP, 3 TLS) are best-known values, UNVERIFIED. No line label
     exists. DmGlobal.0.TimeZone wants Gigaset zone names; site.timezone is written as given. -->
<#assign gigasetTransport = {"udp": 1, "tcp": 2, "tls": 3}>
<provisioning version="1.1" productID="e2">
  <nvm>
    <param name="WebUIAccounts.1.Password" value="${device.login_password?xml}"/>
    <param name="DmGlobal.0.NtpServer" value="${site.ntp_server?xml}"/>
    <param name="DmGlobal.0.TimeZone" value="${site.timezone?xml}"/>
    <param name="Provisioning.global.ProvisioningServer" value="${provisioning.url?xml}"/>
<#list lines as l>
  <#assign p = (l.index - 1)?c>
  <#assign hs = l.index?c?left_pad(5, "0")>
    <!-- account ${l.index?c} -->
    <param name="SipProvider.${p}.Domain" value="${l.server?xml}"/>
    <param name="SipProvider.${p}.ProxyServerAddress" value="${l.server?xml}"/>
    <param name="SipProvider.${p}.ProxyServerPort" value="${l.port?c}"/>
    <param name="SipProvider.${p}.RegServerAddress" value="${l.server?xml}"/>
    <param name="SipProvider.${p}.RegServerPort" value="${l.port?c}"/>
    <param name="SipProvider.${p}.TransportProtocol" value="${gigasetTransport[l.transport]!1}"/>
    <param name="SipAccount.${hs}.UserName" value="${l.username?xml}"/>
    <param name="SipAccount.${hs}.AuthName" value="${(l.auth_username!l.username)?xml}"/>
    <param name="SipAccount.${hs}.AuthPassword" value="${l.password?xml}"/>
    <param name="SipAccount.${hs}.DisplayName" value="${l.display_name?xml}"/>
    <param name="SipAccount.${hs}.ProviderId" value="${p}"/>
</#list>
  </nvm>
</provisioning>
