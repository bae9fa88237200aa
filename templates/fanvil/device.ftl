<?xml version="1.0" encoding="UTF-8"?>
<#-- edgeprov sample for FreeMarker: Fanvil <mac>.cfg (the device config, new-firmware XML).
     One <line> per line; transports map to Fanvil's codes (0 UDP, 1 TCP, 3 TLS). No line-label
     key is known, so labels are not written. FlashProtocol follows the URL's scheme (4 HTTP,
     5 HTTPS); FlashServerIP gets the whole URL (unverified that every firmware takes one). -->
<#assign fanvilTransport = {"udp": 0, "tcp": 1, "tls": 3}>
<sysConf>
<Version>2.0002</Version>
<sip>
<#list lines as l>
  <line index="${l.index?c}">
    <PhoneNumber>${l.username?xml}</PhoneNumber>
    <DisplayName>${l.display_name?xml}</DisplayName>
    <RegisterAddr>${l.server?xml}</RegisterAddr>
    <RegisterPort>${l.port?c}</RegisterPort>
    <RegisterUser>${(l.auth_username!l.username)?xml}</RegisterUser>
    <RegisterPswd>${l.password?xml}</RegisterPswd>
    <EnableReg>1</EnableReg>
    <Transport>${fanvilTransport[l.transport]!0}</Transport>
  </line>
</#list>
</sip>
<web>
  <account index="1">
    <Name>admin</Name>
    <Password>${device.login_password?xml}</Password>
    <Level>10</Level>
  </account>
</web>
<date>
  <EnableSNTP>1</EnableSNTP>
  <SNTPServer>${site.ntp_server?xml}</SNTPServer>
  <TimeZoneName>${site.timezone?xml}</TimeZoneName>
</date>
<ap>
  <FlashServerIP>${provisioning.url?xml}</FlashServerIP>
  <FlashProtocol>${provisioning.url?starts_with("https:")?then(5, 4)}</FlashProtocol>
  <DownloadCommonConf>1</DownloadCommonConf>
  <DownloadDeviceConf>1</DownloadDeviceConf>
  <DefaultUsername>${provisioning.username?xml}</DefaultUsername>
  <DefaultPassword>${provisioning.password?xml}</DefaultPassword>
</ap>
</sysConf>
