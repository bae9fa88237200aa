<?xml version="1.0" encoding="UTF-8"?>
<#import "_lib/transport.ftl" as tr>
<sysConf>
<Version>2.0002</Version>
<sip>
<#list lines as l>
  <line index="${l.index}">
    <PhoneNumber>${l.username?xml}</PhoneNumber>
    <DisplayName>${l.display_name?xml}</DisplayName>
    <RegisterAddr>${l.server}</RegisterAddr>
    <RegisterPort>${l.port?c}</RegisterPort>
    <RegisterUser>${l.auth_username?xml}</RegisterUser>
    <RegisterPswd>${l.password?xml}</RegisterPswd>
    <EnableReg>1</EnableReg>
    <Transport>${tr.fanvil[l.transport]}</Transport>
    <ProxyAddr>${l.outbound_proxy!}</ProxyAddr>
  </line>
</#list>
</sip>
<web>
  <account index="1"><Name>admin</Name><Password>${device.login_password?xml}</Password><Level>10</Level></account>
</web>
<date>
  <EnableSNTP>1</EnableSNTP>
  <SNTPServer>${site.ntp_server}</SNTPServer>
  <TimeZoneName>${site.timezone}</TimeZoneName>
</date>
<ap>
  <FlashServerIP>${provisioning.url}</FlashServerIP>
  <FlashProtocol>${provisioning.url?starts_with("https")?then(5, 4)}</FlashProtocol>
  <FlashInterval>${(24 * 60)?c}</FlashInterval>
  <DefaultUsername>${provisioning.username}</DefaultUsername>
  <DefaultPassword>${provisioning.password?xml}</DefaultPassword>
</ap>
</sysConf>
