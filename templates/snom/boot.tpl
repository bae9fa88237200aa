<?xml version="1.0" encoding="utf-8"?>
<!-- edgeprov sample for the Default engine: Snom snom<model>-<MAC>.htm, the per-phone setting-file
     container. It lists the settings files the phone loads: its own <MAC>.xml. -->
<setting-files>
  <file url="{{provisioning.url}}{{device.mac_upper}}.xml"/>
</setting-files>
