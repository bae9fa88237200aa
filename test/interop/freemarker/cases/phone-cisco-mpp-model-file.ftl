<?xml version="1.0" encoding="UTF-8"?>
<#-- ${device.model?keep_after("CP-")?keep_before("-3PCC")}-3PCC.xml: points the phone at its own file -->
<flat-profile>
  <Profile_Rule ua="na">${provisioning.url}cp-phone.xml</Profile_Rule>
  <Profile_Rule_B ua="na">${provisioning.url}$MA.xml</Profile_Rule_B>
  <Resync_On_Reset ua="na">Yes</Resync_On_Reset>
  <Webex_Onboard_Enable ua="na">No</Webex_Onboard_Enable>
</flat-profile>
