<?xml version="1.0" encoding="UTF-8"?>
<!-- edgeprov sample for the Default engine: the Cisco model file, served for the SPA's spa$PSN.cfg
     and the MPP's $PSN.xml (e.g. spa508G.cfg, 8851-3PCC.xml). It is the same for every phone of
     the model, so it holds no values: it sends the phone to its own file. $PN and $MA are the
     phone's macros (product name, lower-case MAC); a rule starting with / uses the server the
     phone got from DHCP (unverified for Profile_Rule_B). The device file then moves the next
     resync to the authenticated URL. -->
<flat-profile>
  <Profile_Rule_B ua="na">/Cisco/$PN/$MA.cfg</Profile_Rule_B>
  <Resync_On_Reset ua="na">Yes</Resync_On_Reset>
</flat-profile>
