<?xml version="1.0" encoding="UTF-8"?>
<#-- edgeprov sample for FreeMarker: Cisco enterprise SEP<MAC>.cnf.xml (the device config).
     One <line> per line; each names its own proxy and port (per-line proxy instead of
     USECALLMANAGER is UNVERIFIED). This format has no provisioning URL: the phone asks its TFTP
     server (option 150) again. The transport is not a per-line setting here. timeZone wants CUCM
     names; site.timezone is written as given. -->
<device>
  <fullConfig>true</fullConfig>
  <deviceProtocol>SIP</deviceProtocol>
  <sshUserId>admin</sshUserId>
  <sshPassword>${device.login_password?xml}</sshPassword>
  <devicePool>
    <dateTimeSetting>
      <timeZone>${site.timezone?xml}</timeZone>
      <ntps>
        <ntp>
          <name>${site.ntp_server?xml}</name>
          <ntpMode>Unicast</ntpMode>
        </ntp>
      </ntps>
    </dateTimeSetting>
    <callManagerGroup>
      <members>
        <member priority="0">
          <callManager>
            <ports>
              <sipPort>${server.sip_port?c}</sipPort>
            </ports>
            <processNodeName>${server.host?xml}</processNodeName>
          </callManager>
        </member>
      </members>
    </callManagerGroup>
  </devicePool>
  <sipProfile>
    <phoneLabel>${device.name?xml}</phoneLabel>
    <sipLines>
<#list lines as l>
      <line button="${l.index?c}">
        <featureID>9</featureID>
        <featureLabel>${l.label?xml}</featureLabel>
        <proxy>${l.server?xml}</proxy>
        <port>${l.port?c}</port>
        <name>${l.username?xml}</name>
        <displayName>${l.display_name?xml}</displayName>
        <authName>${(l.auth_username!l.username)?xml}</authName>
        <authPassword>${l.password?xml}</authPassword>
      </line>
</#list>
    </sipLines>
  </sipProfile>
</device>
