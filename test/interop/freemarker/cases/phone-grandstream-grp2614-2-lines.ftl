<?xml version="1.0" encoding="UTF-8"?>
<#-- account blocks: 1 is P2xx/P3x legacy, 2-4 are P4xx-P6xx, 5-6 are P17xx/P18xx -->
<#assign prefixes = ["", "4", "5", "6", "17", "18"]>
<#assign gsTransport = {"udp": "0", "tcp": "1", "tls": "2"}>
<#macro p code value>
    <${code}>${value?xml}</${code}>
</#macro>
<gs_provision version="1">
  <mac>${device.mac}</mac>
  <config version="1">
<@p "P2", device.login_password/>
<@p "P30", site.ntp_server/>
<@p "P64", "CET-1CEST-2,M3.5.0/02:00:00,M10.5.0/03:00:00"/>
<@p "P212", provisioning.url?starts_with("https")?then("2", "1")/>
<@p "P237", provisioning.url?keep_after("://")/>
<@p "P1360", provisioning.username/>
<@p "P1361", provisioning.password/>
<#list lines as l>
  <#if l.index == 1>
<@p "P271", "1"/>
<@p "P47", l.server + ":" + l.port?c/>
<@p "P35", l.username/>
<@p "P36", l.auth_username/>
<@p "P34", l.password/>
<@p "P3", l.display_name/>
<@p "P270", l.label/>
<@p "P48", l.outbound_proxy/>
<@p "P130", gsTransport[l.transport]/>
  <#else>
    <#assign px = "P" + prefixes[l.index - 1]>
<@p px + "01", "1"/>
<@p px + "02", l.server + ":" + l.port?c/>
<@p px + "04", l.username/>
<@p px + "05", l.auth_username/>
<@p px + "06", l.password/>
<@p px + "07", l.display_name/>
  </#if>
</#list>
  </config>
</gs_provision>
