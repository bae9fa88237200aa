<?xml version="1.0" encoding="UTF-8"?>
<!-- edgeprov sample for the Default engine: Grandstream cfg<mac>.xml (the device config, P-values).
     Accounts 1-6 are written out: the P-value table we know stops at 6 (1: P271.., 2-4: P4xx-P6xx,
     5-6: P17xx-P18xx). A line the device does not have renders empty values. The account-name
     codes of accounts 2-6 (x17) are unverified. Not written (the Default engine cannot map
     udp/tcp/tls to Grandstream's codes): the transport (P130 ...), which stays the phone's default.
     P212 (0 TFTP, 1 HTTP, 2 HTTPS) is set to 1: change it to 2 when provisioning.url is https
     (the FreeMarker sample does it). P237 gets the whole URL; newer firmware takes the scheme
     from it (unverified). P64 wants a POSIX TZ string; site.timezone is written as given.
     Values are inserted as they are: a value holding & or < breaks this XML. -->
<gs_provision version="1">
  <mac>{{device.mac}}</mac>
  <config version="1">
    <!-- admin password, NTP, time zone -->
    <P2>{{device.login_password}}</P2>
    <P30>{{site.ntp_server}}</P30>
    <P64>{{site.timezone}}</P64>
    <!-- next provisioning: protocol, server path, HTTP(S) user and password -->
    <P212>1</P212>
    <P237>{{provisioning.url}}</P237>
    <P1360>{{provisioning.username}}</P1360>
    <P1361>{{provisioning.password}}</P1361>
    <!-- account 1 -->
    <P271>1</P271>
    <P270>{{lines.1.label}}</P270>
    <P47>{{lines.1.server}}:{{lines.1.port}}</P47>
    <P35>{{lines.1.username}}</P35>
    <P36>{{lines.1.auth_username}}</P36>
    <P34>{{lines.1.password}}</P34>
    <P3>{{lines.1.display_name}}</P3>
    <!-- account 2 -->
    <P401>1</P401>
    <P417>{{lines.2.label}}</P417>
    <P402>{{lines.2.server}}:{{lines.2.port}}</P402>
    <P404>{{lines.2.username}}</P404>
    <P405>{{lines.2.auth_username}}</P405>
    <P406>{{lines.2.password}}</P406>
    <P407>{{lines.2.display_name}}</P407>
    <!-- account 3 -->
    <P501>1</P501>
    <P517>{{lines.3.label}}</P517>
    <P502>{{lines.3.server}}:{{lines.3.port}}</P502>
    <P504>{{lines.3.username}}</P504>
    <P505>{{lines.3.auth_username}}</P505>
    <P506>{{lines.3.password}}</P506>
    <P507>{{lines.3.display_name}}</P507>
    <!-- account 4 -->
    <P601>1</P601>
    <P617>{{lines.4.label}}</P617>
    <P602>{{lines.4.server}}:{{lines.4.port}}</P602>
    <P604>{{lines.4.username}}</P604>
    <P605>{{lines.4.auth_username}}</P605>
    <P606>{{lines.4.password}}</P606>
    <P607>{{lines.4.display_name}}</P607>
    <!-- account 5 -->
    <P1701>1</P1701>
    <P1717>{{lines.5.label}}</P1717>
    <P1702>{{lines.5.server}}:{{lines.5.port}}</P1702>
    <P1704>{{lines.5.username}}</P1704>
    <P1705>{{lines.5.auth_username}}</P1705>
    <P1706>{{lines.5.password}}</P1706>
    <P1707>{{lines.5.display_name}}</P1707>
    <!-- account 6 -->
    <P1801>1</P1801>
    <P1817>{{lines.6.label}}</P1817>
    <P1802>{{lines.6.server}}:{{lines.6.port}}</P1802>
    <P1804>{{lines.6.username}}</P1804>
    <P1805>{{lines.6.auth_username}}</P1805>
    <P1806>{{lines.6.password}}</P1806>
    <P1807>{{lines.6.display_name}}</P1807>
  </config>
</gs_provision>
