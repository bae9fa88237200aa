<?xml version="1.0" encoding="UTF-8"?>
<!-- edgeprov sample for the Default engine: Gigaset Nx70 <mac>.xml (the device config).
     Accounts 1-6 are written out (our choice: accounts per base are not in the reference); an
     account the device does not have renders empty values. Account N uses SIP provider N-1 and
     handset number 0000N (as wazo writes it). Port keys are best-known names, UNVERIFIED. Not
     written: the transport (the Default engine cannot map udp/tcp/tls to codes) and a line label
     (none exists). DmGlobal.0.TimeZone wants Gigaset zone names; site.timezone is written as
     given. Values are inserted as they are: a value holding & < or " breaks this XML. -->
<provisioning version="1.1" productID="e2">
  <nvm>
    <param name="WebUIAccounts.1.Password" value="{{device.login_password}}"/>
    <param name="DmGlobal.0.NtpServer" value="{{site.ntp_server}}"/>
    <param name="DmGlobal.0.TimeZone" value="{{site.timezone}}"/>
    <param name="Provisioning.global.ProvisioningServer" value="{{provisioning.url}}"/>
    <!-- account 1 -->
    <param name="SipProvider.0.Domain" value="{{lines.1.server}}"/>
    <param name="SipProvider.0.ProxyServerAddress" value="{{lines.1.server}}"/>
    <param name="SipProvider.0.ProxyServerPort" value="{{lines.1.port}}"/>
    <param name="SipProvider.0.RegServerAddress" value="{{lines.1.server}}"/>
    <param name="SipProvider.0.RegServerPort" value="{{lines.1.port}}"/>
    <param name="SipAccount.00001.UserName" value="{{lines.1.username}}"/>
    <param name="SipAccount.00001.AuthName" value="{{lines.1.auth_username}}"/>
    <param name="SipAccount.00001.AuthPassword" value="{{lines.1.password}}"/>
    <param name="SipAccount.00001.DisplayName" value="{{lines.1.display_name}}"/>
    <param name="SipAccount.00001.ProviderId" value="0"/>
    <!-- account 2 -->
    <param name="SipProvider.1.Domain" value="{{lines.2.server}}"/>
    <param name="SipProvider.1.ProxyServerAddress" value="{{lines.2.server}}"/>
    <param name="SipProvider.1.ProxyServerPort" value="{{lines.2.port}}"/>
    <param name="SipProvider.1.RegServerAddress" value="{{lines.2.server}}"/>
    <param name="SipProvider.1.RegServerPort" value="{{lines.2.port}}"/>
    <param name="SipAccount.00002.UserName" value="{{lines.2.username}}"/>
    <param name="SipAccount.00002.AuthName" value="{{lines.2.auth_username}}"/>
    <param name="SipAccount.00002.AuthPassword" value="{{lines.2.password}}"/>
    <param name="SipAccount.00002.DisplayName" value="{{lines.2.display_name}}"/>
    <param name="SipAccount.00002.ProviderId" value="1"/>
    <!-- account 3 -->
    <param name="SipProvider.2.Domain" value="{{lines.3.server}}"/>
    <param name="SipProvider.2.ProxyServerAddress" value="{{lines.3.server}}"/>
    <param name="SipProvider.2.ProxyServerPort" value="{{lines.3.port}}"/>
    <param name="SipProvider.2.RegServerAddress" value="{{lines.3.server}}"/>
    <param name="SipProvider.2.RegServerPort" value="{{lines.3.port}}"/>
    <param name="SipAccount.00003.UserName" value="{{lines.3.username}}"/>
    <param name="SipAccount.00003.AuthName" value="{{lines.3.auth_username}}"/>
    <param name="SipAccount.00003.AuthPassword" value="{{lines.3.password}}"/>
    <param name="SipAccount.00003.DisplayName" value="{{lines.3.display_name}}"/>
    <param name="SipAccount.00003.ProviderId" value="2"/>
    <!-- account 4 -->
    <param name="SipProvider.3.Domain" value="{{lines.4.server}}"/>
    <param name="SipProvider.3.ProxyServerAddress" value="{{lines.4.server}}"/>
    <param name="SipProvider.3.ProxyServerPort" value="{{lines.4.port}}"/>
    <param name="SipProvider.3.RegServerAddress" value="{{lines.4.server}}"/>
    <param name="SipProvider.3.RegServerPort" value="{{lines.4.port}}"/>
    <param name="SipAccount.00004.UserName" value="{{lines.4.username}}"/>
    <param name="SipAccount.00004.AuthName" value="{{lines.4.auth_username}}"/>
    <param name="SipAccount.00004.AuthPassword" value="{{lines.4.password}}"/>
    <param name="SipAccount.00004.DisplayName" value="{{lines.4.display_name}}"/>
    <param name="SipAccount.00004.ProviderId" value="3"/>
    <!-- account 5 -->
    <param name="SipProvider.4.Domain" value="{{lines.5.server}}"/>
    <param name="SipProvider.4.ProxyServerAddress" value="{{lines.5.server}}"/>
    <param name="SipProvider.4.ProxyServerPort" value="{{lines.5.port}}"/>
    <param name="SipProvider.4.RegServerAddress" value="{{lines.5.server}}"/>
    <param name="SipProvider.4.RegServerPort" value="{{lines.5.port}}"/>
    <param name="SipAccount.00005.UserName" value="{{lines.5.username}}"/>
    <param name="SipAccount.00005.AuthName" value="{{lines.5.auth_username}}"/>
    <param name="SipAccount.00005.AuthPassword" value="{{lines.5.password}}"/>
    <param name="SipAccount.00005.DisplayName" value="{{lines.5.display_name}}"/>
    <param name="SipAccount.00005.ProviderId" value="4"/>
    <!-- account 6 -->
    <param name="SipProvider.5.Domain" value="{{lines.6.server}}"/>
    <param name="SipProvider.5.ProxyServerAddress" value="{{lines.6.server}}"/>
    <param name="SipProvider.5.ProxyServerPort" value="{{lines.6.port}}"/>
    <param name="SipProvider.5.RegServerAddress" value="{{lines.6.server}}"/>
    <param name="SipProvider.5.RegServerPort" value="{{lines.6.port}}"/>
    <param name="SipAccount.00006.UserName" value="{{lines.6.username}}"/>
    <param name="SipAccount.00006.AuthName" value="{{lines.6.auth_username}}"/>
    <param name="SipAccount.00006.AuthPassword" value="{{lines.6.password}}"/>
    <param name="SipAccount.00006.DisplayName" value="{{lines.6.display_name}}"/>
    <param name="SipAccount.00006.ProviderId" value="5"/>
  </nvm>
</provisioning>
