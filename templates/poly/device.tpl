<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!-- edgeprov sample for the Default engine: Poly <mac>-user.cfg (the device config), named first
     in CONFIG_FILES of the master config (boot sample), so its values win over common.cfg.
     Lines 1-16 are written out (VVX 600/601 carry 16); a line the device does not have renders
     empty values. Not written (the Default engine cannot map udp/tcp/tls to UDPOnly/TCPOnly/TLS,
     nor tell http from https for device.prov.serverType): the transport, which stays the phone's
     default, and the server type, which the phone takes from the URL's scheme. The FreeMarker
     sample writes both. Values are inserted as they are: a value holding & < or " breaks this
     XML (use the FreeMarker sample, which escapes them). Poly has no time-zone name setting
     (tcpIpApp.sntp.gmtOffset is in seconds), so site.timezone is not used. -->
<polycomConfig>
  <device device.set="1"
    device.auth.localAdminPassword.set="1" device.auth.localAdminPassword="{{device.login_password}}"
    device.prov.serverName.set="1" device.prov.serverName="{{provisioning.url}}"
    device.prov.user.set="1" device.prov.user="{{provisioning.username}}"
    device.prov.password.set="1" device.prov.password="{{provisioning.password}}"/>
  <tcpIpApp tcpIpApp.sntp.address="{{site.ntp_server}}" tcpIpApp.sntp.address.overrideDHCP="1"/>
  <reg reg.1.address="{{lines.1.username}}"
    reg.1.auth.userId="{{lines.1.auth_username}}"
    reg.1.auth.password="{{lines.1.password}}"
    reg.1.displayName="{{lines.1.display_name}}"
    reg.1.label="{{lines.1.label}}"
    reg.1.server.1.address="{{lines.1.server}}"
    reg.1.server.1.port="{{lines.1.port}}"/>
  <reg reg.2.address="{{lines.2.username}}"
    reg.2.auth.userId="{{lines.2.auth_username}}"
    reg.2.auth.password="{{lines.2.password}}"
    reg.2.displayName="{{lines.2.display_name}}"
    reg.2.label="{{lines.2.label}}"
    reg.2.server.1.address="{{lines.2.server}}"
    reg.2.server.1.port="{{lines.2.port}}"/>
  <reg reg.3.address="{{lines.3.username}}"
    reg.3.auth.userId="{{lines.3.auth_username}}"
    reg.3.auth.password="{{lines.3.password}}"
    reg.3.displayName="{{lines.3.display_name}}"
    reg.3.label="{{lines.3.label}}"
    reg.3.server.1.address="{{lines.3.server}}"
    reg.3.server.1.port="{{lines.3.port}}"/>
  <reg reg.4.address="{{lines.4.username}}"
    reg.4.auth.userId="{{lines.4.auth_username}}"
    reg.4.auth.password="{{lines.4.password}}"
    reg.4.displayName="{{lines.4.display_name}}"
    reg.4.label="{{lines.4.label}}"
    reg.4.server.1.address="{{lines.4.server}}"
    reg.4.server.1.port="{{lines.4.port}}"/>
  <reg reg.5.address="{{lines.5.username}}"
    reg.5.auth.userId="{{lines.5.auth_username}}"
    reg.5.auth.password="{{lines.5.password}}"
    reg.5.displayName="{{lines.5.display_name}}"
    reg.5.label="{{lines.5.label}}"
    reg.5.server.1.address="{{lines.5.server}}"
    reg.5.server.1.port="{{lines.5.port}}"/>
  <reg reg.6.address="{{lines.6.username}}"
    reg.6.auth.userId="{{lines.6.auth_username}}"
    reg.6.auth.password="{{lines.6.password}}"
    reg.6.displayName="{{lines.6.display_name}}"
    reg.6.label="{{lines.6.label}}"
    reg.6.server.1.address="{{lines.6.server}}"
    reg.6.server.1.port="{{lines.6.port}}"/>
  <reg reg.7.address="{{lines.7.username}}"
    reg.7.auth.userId="{{lines.7.auth_username}}"
    reg.7.auth.password="{{lines.7.password}}"
    reg.7.displayName="{{lines.7.display_name}}"
    reg.7.label="{{lines.7.label}}"
    reg.7.server.1.address="{{lines.7.server}}"
    reg.7.server.1.port="{{lines.7.port}}"/>
  <reg reg.8.address="{{lines.8.username}}"
    reg.8.auth.userId="{{lines.8.auth_username}}"
    reg.8.auth.password="{{lines.8.password}}"
    reg.8.displayName="{{lines.8.display_name}}"
    reg.8.label="{{lines.8.label}}"
    reg.8.server.1.address="{{lines.8.server}}"
    reg.8.server.1.port="{{lines.8.port}}"/>
  <reg reg.9.address="{{lines.9.username}}"
    reg.9.auth.userId="{{lines.9.auth_username}}"
    reg.9.auth.password="{{lines.9.password}}"
    reg.9.displayName="{{lines.9.display_name}}"
    reg.9.label="{{lines.9.label}}"
    reg.9.server.1.address="{{lines.9.server}}"
    reg.9.server.1.port="{{lines.9.port}}"/>
  <reg reg.10.address="{{lines.10.username}}"
    reg.10.auth.userId="{{lines.10.auth_username}}"
    reg.10.auth.password="{{lines.10.password}}"
    reg.10.displayName="{{lines.10.display_name}}"
    reg.10.label="{{lines.10.label}}"
    reg.10.server.1.address="{{lines.10.server}}"
    reg.10.server.1.port="{{lines.10.port}}"/>
  <reg reg.11.address="{{lines.11.username}}"
    reg.11.auth.userId="{{lines.11.auth_username}}"
    reg.11.auth.password="{{lines.11.password}}"
    reg.11.displayName="{{lines.11.display_name}}"
    reg.11.label="{{lines.11.label}}"
    reg.11.server.1.address="{{lines.11.server}}"
    reg.11.server.1.port="{{lines.11.port}}"/>
  <reg reg.12.address="{{lines.12.username}}"
    reg.12.auth.userId="{{lines.12.auth_username}}"
    reg.12.auth.password="{{lines.12.password}}"
    reg.12.displayName="{{lines.12.display_name}}"
    reg.12.label="{{lines.12.label}}"
    reg.12.server.1.address="{{lines.12.server}}"
    reg.12.server.1.port="{{lines.12.port}}"/>
  <reg reg.13.address="{{lines.13.username}}"
    reg.13.auth.userId="{{lines.13.auth_username}}"
    reg.13.auth.password="{{lines.13.password}}"
    reg.13.displayName="{{lines.13.display_name}}"
    reg.13.label="{{lines.13.label}}"
    reg.13.server.1.address="{{lines.13.server}}"
    reg.13.server.1.port="{{lines.13.port}}"/>
  <reg reg.14.address="{{lines.14.username}}"
    reg.14.auth.userId="{{lines.14.auth_username}}"
    reg.14.auth.password="{{lines.14.password}}"
    reg.14.displayName="{{lines.14.display_name}}"
    reg.14.label="{{lines.14.label}}"
    reg.14.server.1.address="{{lines.14.server}}"
    reg.14.server.1.port="{{lines.14.port}}"/>
  <reg reg.15.address="{{lines.15.username}}"
    reg.15.auth.userId="{{lines.15.auth_username}}"
    reg.15.auth.password="{{lines.15.password}}"
    reg.15.displayName="{{lines.15.display_name}}"
    reg.15.label="{{lines.15.label}}"
    reg.15.server.1.address="{{lines.15.server}}"
    reg.15.server.1.port="{{lines.15.port}}"/>
  <reg reg.16.address="{{lines.16.username}}"
    reg.16.auth.userId="{{lines.16.auth_username}}"
    reg.16.auth.password="{{lines.16.password}}"
    reg.16.displayName="{{lines.16.display_name}}"
    reg.16.label="{{lines.16.label}}"
    reg.16.server.1.address="{{lines.16.server}}"
    reg.16.server.1.port="{{lines.16.port}}"/>
</polycomConfig>
