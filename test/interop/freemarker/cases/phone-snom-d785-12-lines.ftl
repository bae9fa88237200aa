<?xml version="1.0" encoding="utf-8"?>
<settings>
  <phone-settings e="2">
    <admin_mode_password perm="R">${device.login_password?xml}</admin_mode_password>
    <admin_mode_password_confirm perm="R">${device.login_password?xml}</admin_mode_password_confirm>
    <http_user perm="R">admin</http_user>
    <http_pass perm="R">${device.login_password?xml}</http_pass>
    <ntp_server perm="R">${site.ntp_server}</ntp_server>
    <timezone perm="R"><#switch site.timezone><#case "Europe/Berlin">GER+1<#break><#case "Europe/Rome">ITA+1<#break><#default>GMT-0</#switch></timezone>
    <setting_server perm="R">${provisioning.url?xml}snom${device.model}-{mac}.htm</setting_server>
<#list lines as l>
    <user_active idx="${l.index}" perm="R">on</user_active>
    <user_realname idx="${l.index}" perm="R">${l.display_name?xml}</user_realname>
    <user_name idx="${l.index}" perm="R">${l.username?xml}</user_name>
    <user_pname idx="${l.index}" perm="R">${l.auth_username?xml}</user_pname>
    <user_pass idx="${l.index}" perm="R">${l.password?xml}</user_pass>
    <user_host idx="${l.index}" perm="R">${l.server}:${l.port?c}</user_host>
    <user_outbound idx="${l.index}" perm="R"><#if l.outbound_proxy?has_content>${l.outbound_proxy}:${l.port?c};transport=${l.transport}</#if></user_outbound>
    <user_idle_text idx="${l.index}" perm="R">${l.label?xml}</user_idle_text>
</#list>
  </phone-settings>
</settings>
