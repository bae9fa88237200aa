<?xml version="1.0" encoding="UTF-8"?>
<!-- edgeprov sample for the Default engine: Fanvil <mac>.cfg (the device config, new-firmware XML).
     Lines 1-20 are written out (X6U/X7/X210 carry 20); a line the device does not have renders
     empty values. Not written: the transport (the Default engine cannot map udp/tcp/tls to 0/1/3)
     and a line label (no label key is known). FlashProtocol is 4 (HTTP): set 5 when
     provisioning.url is https (the FreeMarker sample does it); FlashServerIP gets the whole URL
     (unverified that every firmware takes one). Values are inserted as they are: a value holding
     & or < breaks this XML. -->
<sysConf>
<Version>2.0002</Version>
<sip>
  <line index="1">
    <PhoneNumber>{{lines.1.username}}</PhoneNumber>
    <DisplayName>{{lines.1.display_name}}</DisplayName>
    <RegisterAddr>{{lines.1.server}}</RegisterAddr>
    <RegisterPort>{{lines.1.port}}</RegisterPort>
    <RegisterUser>{{lines.1.auth_username}}</RegisterUser>
    <RegisterPswd>{{lines.1.password}}</RegisterPswd>
    <EnableReg>1</EnableReg>
  </line>
  <line index="2">
    <PhoneNumber>{{lines.2.username}}</PhoneNumber>
    <DisplayName>{{lines.2.display_name}}</DisplayName>
    <RegisterAddr>{{lines.2.server}}</RegisterAddr>
    <RegisterPort>{{lines.2.port}}</RegisterPort>
    <RegisterUser>{{lines.2.auth_username}}</RegisterUser>
    <RegisterPswd>{{lines.2.password}}</RegisterPswd>
    <EnableReg>1</EnableReg>
  </line>
  <line index="3">
    <PhoneNumber>{{lines.3.username}}</PhoneNumber>
    <DisplayName>{{lines.3.display_name}}</DisplayName>
    <RegisterAddr>{{lines.3.server}}</RegisterAddr>
    <RegisterPort>{{lines.3.port}}</RegisterPort>
    <RegisterUser>{{lines.3.auth_username}}</RegisterUser>
    <RegisterPswd>{{lines.3.password}}</RegisterPswd>
    <EnableReg>1</EnableReg>
  </line>
  <line index="4">
    <PhoneNumber>{{lines.4.username}}</PhoneNumber>
    <DisplayName>{{lines.4.display_name}}</DisplayName>
    <RegisterAddr>{{lines.4.server}}</RegisterAddr>
    <RegisterPort>{{lines.4.port}}</RegisterPort>
    <RegisterUser>{{lines.4.auth_username}}</RegisterUser>
    <RegisterPswd>{{lines.4.password}}</RegisterPswd>
    <EnableReg>1</EnableReg>
  </line>
  <line index="5">
    <PhoneNumber>{{lines.5.username}}</PhoneNumber>
    <DisplayName>{{lines.5.display_name}}</DisplayName>
    <RegisterAddr>{{lines.5.server}}</RegisterAddr>
    <RegisterPort>{{lines.5.port}}</RegisterPort>
    <RegisterUser>{{lines.5.auth_username}}</RegisterUser>
    <RegisterPswd>{{lines.5.password}}</RegisterPswd>
    <EnableReg>1</EnableReg>
  </line>
  <line index="6">
    <PhoneNumber>{{lines.6.username}}</PhoneNumber>
    <DisplayName>{{lines.6.display_name}}</DisplayName>
    <RegisterAddr>{{lines.6.server}}</RegisterAddr>
    <RegisterPort>{{lines.6.port}}</RegisterPort>
    <RegisterUser>{{lines.6.auth_username}}</RegisterUser>
    <RegisterPswd>{{lines.6.password}}</RegisterPswd>
    <EnableReg>1</EnableReg>
  </line>
  <line index="7">
    <PhoneNumber>{{lines.7.username}}</PhoneNumber>
    <DisplayName>{{lines.7.display_name}}</DisplayName>
    <RegisterAddr>{{lines.7.server}}</RegisterAddr>
    <RegisterPort>{{lines.7.port}}</RegisterPort>
    <RegisterUser>{{lines.7.auth_username}}</RegisterUser>
    <RegisterPswd>{{lines.7.password}}</RegisterPswd>
    <EnableReg>1</EnableReg>
  </line>
  <line index="8">
    <PhoneNumber>{{lines.8.username}}</PhoneNumber>
    <DisplayName>{{lines.8.display_name}}</DisplayName>
    <RegisterAddr>{{lines.8.server}}</RegisterAddr>
    <RegisterPort>{{lines.8.port}}</RegisterPort>
    <RegisterUser>{{lines.8.auth_username}}</RegisterUser>
    <RegisterPswd>{{lines.8.password}}</RegisterPswd>
    <EnableReg>1</EnableReg>
  </line>
  <line index="9">
    <PhoneNumber>{{lines.9.username}}</PhoneNumber>
    <DisplayName>{{lines.9.display_name}}</DisplayName>
    <RegisterAddr>{{lines.9.server}}</RegisterAddr>
    <RegisterPort>{{lines.9.port}}</RegisterPort>
    <RegisterUser>{{lines.9.auth_username}}</RegisterUser>
    <RegisterPswd>{{lines.9.password}}</RegisterPswd>
    <EnableReg>1</EnableReg>
  </line>
  <line index="10">
    <PhoneNumber>{{lines.10.username}}</PhoneNumber>
    <DisplayName>{{lines.10.display_name}}</DisplayName>
    <RegisterAddr>{{lines.10.server}}</RegisterAddr>
    <RegisterPort>{{lines.10.port}}</RegisterPort>
    <RegisterUser>{{lines.10.auth_username}}</RegisterUser>
    <RegisterPswd>{{lines.10.password}}</RegisterPswd>
    <EnableReg>1</EnableReg>
  </line>
  <line index="11">
    <PhoneNumber>{{lines.11.username}}</PhoneNumber>
    <DisplayName>{{lines.11.display_name}}</DisplayName>
    <RegisterAddr>{{lines.11.server}}</RegisterAddr>
    <RegisterPort>{{lines.11.port}}</RegisterPort>
    <RegisterUser>{{lines.11.auth_username}}</RegisterUser>
    <RegisterPswd>{{lines.11.password}}</RegisterPswd>
    <EnableReg>1</EnableReg>
  </line>
  <line index="12">
    <PhoneNumber>{{lines.12.username}}</PhoneNumber>
    <DisplayName>{{lines.12.display_name}}</DisplayName>
    <RegisterAddr>{{lines.12.server}}</RegisterAddr>
    <RegisterPort>{{lines.12.port}}</RegisterPort>
    <RegisterUser>{{lines.12.auth_username}}</RegisterUser>
    <RegisterPswd>{{lines.12.password}}</RegisterPswd>
    <EnableReg>1</EnableReg>
  </line>
  <line index="13">
    <PhoneNumber>{{lines.13.username}}</PhoneNumber>
    <DisplayName>{{lines.13.display_name}}</DisplayName>
    <RegisterAddr>{{lines.13.server}}</RegisterAddr>
    <RegisterPort>{{lines.13.port}}</RegisterPort>
    <RegisterUser>{{lines.13.auth_username}}</RegisterUser>
    <RegisterPswd>{{lines.13.password}}</RegisterPswd>
    <EnableReg>1</EnableReg>
  </line>
  <line index="14">
    <PhoneNumber>{{lines.14.username}}</PhoneNumber>
    <DisplayName>{{lines.14.display_name}}</DisplayName>
    <RegisterAddr>{{lines.14.server}}</RegisterAddr>
    <RegisterPort>{{lines.14.port}}</RegisterPort>
    <RegisterUser>{{lines.14.auth_username}}</RegisterUser>
    <RegisterPswd>{{lines.14.password}}</RegisterPswd>
    <EnableReg>1</EnableReg>
  </line>
  <line index="15">
    <PhoneNumber>{{lines.15.username}}</PhoneNumber>
    <DisplayName>{{lines.15.display_name}}</DisplayName>
    <RegisterAddr>{{lines.15.server}}</RegisterAddr>
    <RegisterPort>{{lines.15.port}}</RegisterPort>
    <RegisterUser>{{lines.15.auth_username}}</RegisterUser>
    <RegisterPswd>{{lines.15.password}}</RegisterPswd>
    <EnableReg>1</EnableReg>
  </line>
  <line index="16">
    <PhoneNumber>{{lines.16.username}}</PhoneNumber>
    <DisplayName>{{lines.16.display_name}}</DisplayName>
    <RegisterAddr>{{lines.16.server}}</RegisterAddr>
    <RegisterPort>{{lines.16.port}}</RegisterPort>
    <RegisterUser>{{lines.16.auth_username}}</RegisterUser>
    <RegisterPswd>{{lines.16.password}}</RegisterPswd>
    <EnableReg>1</EnableReg>
  </line>
  <line index="17">
    <PhoneNumber>{{lines.17.username}}</PhoneNumber>
    <DisplayName>{{lines.17.display_name}}</DisplayName>
    <RegisterAddr>{{lines.17.server}}</RegisterAddr>
    <RegisterPort>{{lines.17.port}}</RegisterPort>
    <RegisterUser>{{lines.17.auth_username}}</RegisterUser>
    <RegisterPswd>{{lines.17.password}}</RegisterPswd>
    <EnableReg>1</EnableReg>
  </line>
  <line index="18">
    <PhoneNumber>{{lines.18.username}}</PhoneNumber>
    <DisplayName>{{lines.18.display_name}}</DisplayName>
    <RegisterAddr>{{lines.18.server}}</RegisterAddr>
    <RegisterPort>{{lines.18.port}}</RegisterPort>
    <RegisterUser>{{lines.18.auth_username}}</RegisterUser>
    <RegisterPswd>{{lines.18.password}}</RegisterPswd>
    <EnableReg>1</EnableReg>
  </line>
  <line index="19">
    <PhoneNumber>{{lines.19.username}}</PhoneNumber>
    <DisplayName>{{lines.19.display_name}}</DisplayName>
    <RegisterAddr>{{lines.19.server}}</RegisterAddr>
    <RegisterPort>{{lines.19.port}}</RegisterPort>
    <RegisterUser>{{lines.19.auth_username}}</RegisterUser>
    <RegisterPswd>{{lines.19.password}}</RegisterPswd>
    <EnableReg>1</EnableReg>
  </line>
  <line index="20">
    <PhoneNumber>{{lines.20.username}}</PhoneNumber>
    <DisplayName>{{lines.20.display_name}}</DisplayName>
    <RegisterAddr>{{lines.20.server}}</RegisterAddr>
    <RegisterPort>{{lines.20.port}}</RegisterPort>
    <RegisterUser>{{lines.20.auth_username}}</RegisterUser>
    <RegisterPswd>{{lines.20.password}}</RegisterPswd>
    <EnableReg>1</EnableReg>
  </line>
</sip>
<web>
  <account index="1">
    <Name>admin</Name>
    <Password>{{device.login_password}}</Password>
    <Level>10</Level>
  </account>
</web>
<date>
  <EnableSNTP>1</EnableSNTP>
  <SNTPServer>{{site.ntp_server}}</SNTPServer>
  <TimeZoneName>{{site.timezone}}</TimeZoneName>
</date>
<ap>
  <FlashServerIP>{{provisioning.url}}</FlashServerIP>
  <FlashProtocol>4</FlashProtocol>
  <DownloadCommonConf>1</DownloadCommonConf>
  <DownloadDeviceConf>1</DownloadDeviceConf>
  <DefaultUsername>{{provisioning.username}}</DefaultUsername>
  <DefaultPassword>{{provisioning.password}}</DefaultPassword>
</ap>
</sysConf>
