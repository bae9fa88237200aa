<?xml version="1.0" encoding="utf-8"?>
<setting-files>
<#list ["snom-general.xml", "snom" + device.model + ".xml", device.mac_upper + ".xml"] as f>
  <file url="${provisioning.url}${f?url_path}"/>
</#list>
</setting-files>
