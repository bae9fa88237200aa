<?xml version="1.0" encoding="UTF-8"?>
<!-- edgeprov sample for the Default engine: Cisco enterprise SEP<MAC>.cnf.xml (the device config).
     Lines 1-6 are written out (our choice: the reference has no line counts for these models); a
     line the device does not have renders an empty <line>. Each line names its own proxy and port
     (per-line proxy instead of USECALLMANAGER is UNVERIFIED). This format has no provisioning URL:
     the phone asks its TFTP server (option 150) again. The transport is not a per-line setting
     here. timeZone wants CUCM names; site.timezone is written as given. Values are inserted as
     they are: a value holding & or < breaks this XML. -->
<device>
  <fullConfig>true</fullConfig>
  <deviceProtocol>SIP</deviceProtocol>
  <sshUserId>admin</sshUserId>
  <sshPassword>{{device.login_password}}</sshPassword>
  <devicePool>
    <dateTimeSetting>
      <timeZone>{{site.timezone}}</timeZone>
      <ntps>
        <ntp>
          <name>{{site.ntp_server}}</name>
          <ntpMode>Unicast</ntpMode>
        </ntp>
      </ntps>
    </dateTimeSetting>
    <callManagerGroup>
      <members>
        <member priority="0">
          <callManager>
            <ports>
              <sipPort>{{server.sip_port}}</sipPort>
            </ports>
            <processNodeName>{{server.host}}</processNodeName>
          </callManager>
        </member>
      </members>
    </callManagerGroup>
  </devicePool>
  <sipProfile>
    <phoneLabel>{{device.name}}</phoneLabel>
    <sipLines>
      <line button="1">
        <featureID>9</featureID>
        <featureLabel>{{lines.1.label}}</featureLabel>
        <proxy>{{lines.1.server}}</proxy>
        <port>{{lines.1.port}}</port>
        <name>{{lines.1.username}}</name>
        <displayName>{{lines.1.display_name}}</displayName>
        <authName>{{lines.1.auth_username}}</authName>
        <authPassword>{{lines.1.password}}</authPassword>
      </line>
      <line button="2">
        <featureID>9</featureID>
        <featureLabel>{{lines.2.label}}</featureLabel>
        <proxy>{{lines.2.server}}</proxy>
        <port>{{lines.2.port}}</port>
        <name>{{lines.2.username}}</name>
        <displayName>{{lines.2.display_name}}</displayName>
        <authName>{{lines.2.auth_username}}</authName>
        <authPassword>{{lines.2.password}}</authPassword>
      </line>
      <line button="3">
        <featureID>9</featureID>
        <featureLabel>{{lines.3.label}}</featureLabel>
        <proxy>{{lines.3.server}}</proxy>
        <port>{{lines.3.port}}</port>
        <name>{{lines.3.username}}</name>
        <displayName>{{lines.3.display_name}}</displayName>
        <authName>{{lines.3.auth_username}}</authName>
        <authPassword>{{lines.3.password}}</authPassword>
      </line>
      <line button="4">
        <featureID>9</featureID>
        <featureLabel>{{lines.4.label}}</featureLabel>
        <proxy>{{lines.4.server}}</proxy>
        <port>{{lines.4.port}}</port>
        <name>{{lines.4.username}}</name>
        <displayName>{{lines.4.display_name}}</displayName>
        <authName>{{lines.4.auth_username}}</authName>
        <authPassword>{{lines.4.password}}</authPassword>
      </line>
      <line button="5">
        <featureID>9</featureID>
        <featureLabel>{{lines.5.label}}</featureLabel>
        <proxy>{{lines.5.server}}</proxy>
        <port>{{lines.5.port}}</port>
        <name>{{lines.5.username}}</name>
        <displayName>{{lines.5.display_name}}</displayName>
        <authName>{{lines.5.auth_username}}</authName>
        <authPassword>{{lines.5.password}}</authPassword>
      </line>
      <line button="6">
        <featureID>9</featureID>
        <featureLabel>{{lines.6.label}}</featureLabel>
        <proxy>{{lines.6.server}}</proxy>
        <port>{{lines.6.port}}</port>
        <name>{{lines.6.username}}</name>
        <displayName>{{lines.6.display_name}}</displayName>
        <authName>{{lines.6.auth_username}}</authName>
        <authPassword>{{lines.6.password}}</authPassword>
      </line>
    </sipLines>
  </sipProfile>
</device>
