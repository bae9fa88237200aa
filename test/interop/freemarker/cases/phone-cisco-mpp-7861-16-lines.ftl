<?xml version="1.0" encoding="UTF-8"?>
<flat-profile>
  <Station_Name ua="na">${device.name?xml}</Station_Name>
  <Admin_Password ua="na">${device.login_password?xml}</Admin_Password>
  <Primary_NTP_Server ua="na">${site.ntp_server}</Primary_NTP_Server>
  <Profile_Rule ua="na">[--uid ${provisioning.username} --pwd ${provisioning.password?xml}]${provisioning.url}$MA.xml</Profile_Rule>
  <Resync_Periodic ua="na">${(24 * 3600)?c}</Resync_Periodic>
<#list lines as l>
  <!-- line ${l.index}: ${l.extension} -->
  <Line_Enable_${l.index}_ ua="na">Yes</Line_Enable_${l.index}_>
  <Display_Name_${l.index}_ ua="na">${l.display_name?xml}</Display_Name_${l.index}_>
  <User_ID_${l.index}_ ua="na">${l.username?xml}</User_ID_${l.index}_>
  <Auth_ID_${l.index}_ ua="na">${l.auth_username?xml}</Auth_ID_${l.index}_>
  <Use_Auth_ID_${l.index}_ ua="na">${(l.auth_username != l.username)?string("Yes", "No")}</Use_Auth_ID_${l.index}_>
  <Password_${l.index}_ ua="na">${l.password?xml}</Password_${l.index}_>
  <Proxy_${l.index}_ ua="na">${l.server}:${l.port?c}</Proxy_${l.index}_>
  <SIP_Transport_${l.index}_ ua="na"><#switch l.transport><#case "tcp">TCP<#break><#case "tls">TLS<#break><#default>UDP</#switch></SIP_Transport_${l.index}_>
  <#if l.outbound_proxy?has_content>
  <Outbound_Proxy_${l.index}_ ua="na">${l.outbound_proxy}</Outbound_Proxy_${l.index}_>
  </#if>
</#list>
</flat-profile>
