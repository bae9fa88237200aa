<?xml version="1.0" encoding="utf-8"?>
<#-- edgeprov sample for FreeMarker: Snom <MAC>.xml (the device settings). One identity per line.
     setting_server points the next provisioning at this file under the authenticated URL ({mac}
     is the phone's own macro); http_client_user/http_client_pass (the credentials the phone
     answers HTTP authentication with) are best-known names, UNVERIFIED. The transport rides in
     user_outbound (server:port;transport=udp|tcp|tls). timezone wants Snom codes (GER+1);
     site.timezone is written as given. -->
<settings>
  <phone-settings>
    <admin_mode_password perm="R">${device.login_password?xml}</admin_mode_password>
    <admin_mode_password_confirm perm="R">${device.login_password?xml}</admin_mode_password_confirm>
    <http_user perm="R">admin</http_user>
    <http_pass perm="R">${device.login_password?xml}</http_pass>
    <ntp_server perm="R">${site.ntp_server?xml}</ntp_server>
    <timezone perm="R">${site.timezone?xml}</timezone>
    <setting_server perm="R">${provisioning.url?xml}{mac}.xml</setting_server>
    <http_client_user perm="R">${provisioning.username?xml}</http_client_user>
    <http_client_pass perm="R">${provisioning.password?xml}</http_client_pass>
<#list lines as l>
  <#assign n = l.index?c>
    <user_active idx="${n}" perm="R">on</user_active>
    <user_idle_text idx="${n}" perm="R">${l.label?xml}</user_idle_text>
    <user_realname idx="${n}" perm="R">${l.display_name?xml}</user_realname>
    <user_name idx="${n}" perm="R">${l.username?xml}</user_name>
    <user_pname idx="${n}" perm="R">${(l.auth_username!l.username)?xml}</user_pname>
    <user_pass idx="${n}" perm="R">${l.password?xml}</user_pass>
    <user_host idx="${n}" perm="R">${l.server?xml}:${l.port?c}</user_host>
    <user_outbound idx="${n}" perm="R">${l.server?xml}:${l.port?c};transport=${l.transport!"udp"}</user_outbound>
</#list>
  </phone-settings>
</settings>
