<?xml version="1.0" encoding="UTF-8"?>
<!-- edgeprov sample for the Default engine: Htek cfg<mac>.xml (the device config, P-values).
     Accounts 1-6 are written out. Account 1's codes and the passwords of accounts 2-6 (P734,
     P506, P606, P1706, P1806) are from the reference; the other codes of accounts 2-6 and the
     admin/provisioning codes follow Grandstream's and are UNVERIFIED. A line the device does not
     have renders empty values. Not written (the Default engine cannot map udp/tcp/tls to codes):
     the transport (P130 ...). P237 gets the whole provisioning URL (unverified). Values are
     inserted as they are: a value holding & or < breaks this XML. -->
<hl_provision version="1">
<config version="1">
<P2 para="AdminPassword">{{device.login_password}}</P2>
<P30 para="NTPServer">{{site.ntp_server}}</P30>
<P64 para="TimeZone">{{site.timezone}}</P64>
<P237 para="ConfigServerPath">{{provisioning.url}}</P237>
<P1360 para="ConfigServerUser">{{provisioning.username}}</P1360>
<P1361 para="ConfigServerPassword">{{provisioning.password}}</P1361>
<P271 para="Account1_Active">1</P271>
<P270 para="Account1_Label">{{lines.1.label}}</P270>
<P47 para="Account1_Sipserver">{{lines.1.server}}:{{lines.1.port}}</P47>
<P35 para="Account1_SipUserId">{{lines.1.username}}</P35>
<P36 para="Account1_AuthenticateID">{{lines.1.auth_username}}</P36>
<P34 para="Account1_AuthenticatePassword">{{lines.1.password}}</P34>
<P3 para="Account1_DisplayName">{{lines.1.display_name}}</P3>
<P401 para="Account2_Active">1</P401>
<P417 para="Account2_Label">{{lines.2.label}}</P417>
<P402 para="Account2_Sipserver">{{lines.2.server}}:{{lines.2.port}}</P402>
<P404 para="Account2_SipUserId">{{lines.2.username}}</P404>
<P405 para="Account2_AuthenticateID">{{lines.2.auth_username}}</P405>
<P734 para="Account2_AuthenticatePassword">{{lines.2.password}}</P734>
<P407 para="Account2_DisplayName">{{lines.2.display_name}}</P407>
<P501 para="Account3_Active">1</P501>
<P517 para="Account3_Label">{{lines.3.label}}</P517>
<P502 para="Account3_Sipserver">{{lines.3.server}}:{{lines.3.port}}</P502>
<P504 para="Account3_SipUserId">{{lines.3.username}}</P504>
<P505 para="Account3_AuthenticateID">{{lines.3.auth_username}}</P505>
<P506 para="Account3_AuthenticatePassword">{{lines.3.password}}</P506>
<P507 para="Account3_DisplayName">{{lines.3.display_name}}</P507>
<P601 para="Account4_Active">1</P601>
<P617 para="Account4_Label">{{lines.4.label}}</P617>
<P602 para="Account4_Sipserver">{{lines.4.server}}:{{lines.4.port}}</P602>
<P604 para="Account4_SipUserId">{{lines.4.username}}</P604>
<P605 para="Account4_AuthenticateID">{{lines.4.auth_username}}</P605>
<P606 para="Account4_AuthenticatePassword">{{lines.4.password}}</P606>
<P607 para="Account4_DisplayName">{{lines.4.display_name}}</P607>
<P1701 para="Account5_Active">1</P1701>
<P1717 para="Account5_Label">{{lines.5.label}}</P1717>
<P1702 para="Account5_Sipserver">{{lines.5.server}}:{{lines.5.port}}</P1702>
<P1704 para="Account5_SipUserId">{{lines.5.username}}</P1704>
<P1705 para="Account5_AuthenticateID">{{lines.5.auth_username}}</P1705>
<P1706 para="Account5_AuthenticatePassword">{{lines.5.password}}</P1706>
<P1707 para="Account5_DisplayName">{{lines.5.display_name}}</P1707>
<P1801 para="Account6_Active">1</P1801>
<P1817 para="Account6_Label">{{lines.6.label}}</P1817>
<P1802 para="Account6_Sipserver">{{lines.6.server}}:{{lines.6.port}}</P1802>
<P1804 para="Account6_SipUserId">{{lines.6.username}}</P1804>
<P1805 para="Account6_AuthenticateID">{{lines.6.auth_username}}</P1805>
<P1806 para="Account6_AuthenticatePassword">{{lines.6.password}}</P1806>
<P1807 para="Account6_DisplayName">{{lines.6.display_name}}</P1807>
</config>
</hl_provision>
