<?xml version="1.0" encoding="UTF-8"?>
<provisioning version="1.1" productID="e2">
<nvm>
<#macro param name value><param name="${name}" value="${value?xml}"/>
</#macro>
<@param "WebUIAccounts.1.Password", device.login_password/>
<@param "DmGlobal.0.NtpServer", site.ntp_server/>
<@param "DmGlobal.0.TimeZone", site.timezone/>
<@param "Provisioning.global.ProvisioningServer", provisioning.url/>
<@param "SipProvider.0.Domain", server.host/>
<@param "SipProvider.0.ProxyServerAddress", server.host/>
<@param "SipProvider.0.RegServerAddress", server.host/>
<@param "SipProvider.0.TransportProtocol", server.sip_transport?upper_case/>
<#list lines as l>
  <#assign n = (l.index - 1)?c>
<@param "SipAccount." + n + ".AuthName", l.auth_username/>
<@param "SipAccount." + n + ".AuthPassword", l.password/>
<@param "SipAccount." + n + ".UserName", l.username/>
<@param "SipAccount." + n + ".DisplayName", l.display_name/>
<@param "SipAccount." + n + ".ProviderId", "0"/>
</#list>
</nvm>
</provisioning>
