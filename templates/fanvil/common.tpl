<?xml version="1.0" encoding="UTF-8"?>
<!-- edgeprov sample for the Default engine: the Fanvil common file every phone of one hardware
     asks for before its <mac>.cfg (f0X4hw1.100.cfg, F0V00X300000.cfg, ...). It is the same file
     for every phone, so it uses only site values: no accounts, no secrets. -->
<sysConf>
<Version>2.0002</Version>
<date>
  <EnableSNTP>1</EnableSNTP>
  <SNTPServer>{{site.ntp_server}}</SNTPServer>
  <TimeZoneName>{{site.timezone}}</TimeZoneName>
</date>
</sysConf>
