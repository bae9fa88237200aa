<?xml version="1.0" encoding="UTF-8"?>
<#-- edgeprov sample for FreeMarker: Cisco SPA/MPP Cisco/$PN/$MA.cfg (the device config).
     One block per line. Profile_Rule sends the next resync to the authenticated URL with this
     phone's credentials ($PN and $MA are the phone's own macros) and Profile_Rule_B is cleared.
     Short_Name_N_ (the line key label) is the best-known name, UNVERIFIED. Time_Zone wants
     GMT+01:00 style; site.timezone is written as given. -->
<#assign ciscoTransport = {"udp": "UDP", "tcp": "TCP", "tls": "TLS"}>
<flat-profile>
  <Station_Name ua="na">${device.name?xml}</Station_Name>
  <Admin_Password ua="na">${device.login_password?xml}</Admin_Password>
  <Primary_NTP_Server ua="na">${site.ntp_server?xml}</Primary_NTP_Server>
  <Time_Zone ua="na">${site.timezone?xml}</Time_Zone>
  <Profile_Rule ua="na">[--uid ${provisioning.username?xml} --pwd ${provisioning.password?xml}]${provisioning.url?xml}Cisco/$PN/$MA.cfg</Profile_Rule>
  <Profile_Rule_B ua="na"></Profile_Rule_B>
  <Resync_On_Reset ua="na">Yes</Resync_On_Reset>
  <Resync_Periodic ua="na">86400</Resync_Periodic>
<#list lines as l>
  <#assign n = l.index?c>
  <Line_Enable_${n}_ ua="na">Yes</Line_Enable_${n}_>
  <Short_Name_${n}_ ua="na">${l.label?xml}</Short_Name_${n}_>
  <Display_Name_${n}_ ua="na">${l.display_name?xml}</Display_Name_${n}_>
  <User_ID_${n}_ ua="na">${l.username?xml}</User_ID_${n}_>
  <Auth_ID_${n}_ ua="na">${(l.auth_username!l.username)?xml}</Auth_ID_${n}_>
  <Use_Auth_ID_${n}_ ua="na">Yes</Use_Auth_ID_${n}_>
  <Password_${n}_ ua="na">${l.password?xml}</Password_${n}_>
  <Proxy_${n}_ ua="na">${l.server?xml}:${l.port?c}</Proxy_${n}_>
  <SIP_Transport_${n}_ ua="na">${ciscoTransport[l.transport]!"UDP"}</SIP_Transport_${n}_>
</#list>
</flat-profile>
