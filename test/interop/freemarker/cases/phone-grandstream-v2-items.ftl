<?xml version="1.0" encoding="UTF-8"?>
<gs_provision version="1">
  <config version="2">
    <item name="users.admin.password">${device.login_password?xml}</item>
    <item name="dateTime.ntp.server.1">${site.ntp_server}</item>
<#list lines as l>
  <#assign a = "account." + l.index>
    <item name="${a}.enable">Yes</item>
    <item name="${a}.name">${l.label?xml}</item>
    <item name="${a}.sip.server.1.address">${l.server}:${l.port?c}</item>
    <item name="${a}.sip.userid">${l.username?xml}</item>
    <item name="${a}.sip.subscriber.userid">${l.auth_username?xml}</item>
    <item name="${a}.sip.subscriber.password">${l.password?xml}</item>
    <item name="${a}.sip.transport">${l.transport?upper_case}</item>
</#list>
  </config>
</gs_provision>
