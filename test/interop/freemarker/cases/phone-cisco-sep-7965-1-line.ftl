<?xml version="1.0" encoding="UTF-8"?>
<#-- SEP${device.mac_upper}.cnf.xml -->
<device>
  <fullConfig>true</fullConfig>
  <deviceProtocol>SIP</deviceProtocol>
  <devicePool>
    <dateTimeSetting>
      <timeZone>${site.timezone}</timeZone>
      <ntps>
        <ntp>
          <name>${site.ntp_server}</name>
          <ntpMode>Unicast</ntpMode>
        </ntp>
      </ntps>
    </dateTimeSetting>
    <callManagerGroup>
      <members>
        <member priority="0">
          <callManager>
            <ports><sipPort>${server.sip_port?c}</sipPort><securedSipPort>${(server.sip_port + 1)?c}</securedSipPort></ports>
            <processNodeName>${server.host}</processNodeName>
          </callManager>
        </member>
      </members>
    </callManagerGroup>
  </devicePool>
  <sipProfile>
    <phoneLabel>${device.name?xml}</phoneLabel>
    <sipLines>
<#list lines as l>
      <line button="${l.index}">
        <featureID>9</featureID>
        <featureLabel>${l.label?xml}</featureLabel>
        <proxy>USECALLMANAGER</proxy>
        <port>${l.port?c}</port>
        <name>${l.username?xml}</name>
        <displayName>${l.display_name?xml}</displayName>
        <authName>${l.auth_username?xml}</authName>
        <authPassword>${l.password?xml}</authPassword>
      </line>
</#list>
    </sipLines>
  </sipProfile>
  <sshUserId>admin</sshUserId>
  <sshPassword>${device.login_password?xml}</sshPassword>
</device>
