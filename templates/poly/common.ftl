<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<#-- edgeprov sample for FreeMarker: Poly common.cfg, the site-wide settings read after the
     device's own <mac>-user.cfg. It is the same file for every phone, so it uses only site values:
     no accounts, no secrets. -->
<polycomConfig>
  <tcpIpApp tcpIpApp.sntp.address="${site.ntp_server?xml}" tcpIpApp.sntp.address.overrideDHCP="1"/>
</polycomConfig>
