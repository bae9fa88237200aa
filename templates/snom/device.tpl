<?xml version="1.0" encoding="utf-8"?>
<!-- edgeprov sample for the Default engine: Snom <MAC>.xml (the device settings).
     Identities 1-12 are written out (D7xx carry 12, unverified); an identity the device does not
     have renders empty values. setting_server points the next provisioning at this file under the
     authenticated URL ({mac} is the phone's own macro); http_client_user/http_client_pass (the
     credentials the phone answers HTTP authentication with) are best-known names, UNVERIFIED.
     The transport rides in user_outbound (server:port;transport=udp|tcp|tls). timezone wants
     Snom codes (GER+1); site.timezone is written as given. Values are inserted as they are: a
     value holding & or < breaks this XML. -->
<settings>
  <phone-settings>
    <admin_mode_password perm="R">{{device.login_password}}</admin_mode_password>
    <admin_mode_password_confirm perm="R">{{device.login_password}}</admin_mode_password_confirm>
    <http_user perm="R">admin</http_user>
    <http_pass perm="R">{{device.login_password}}</http_pass>
    <ntp_server perm="R">{{site.ntp_server}}</ntp_server>
    <timezone perm="R">{{site.timezone}}</timezone>
    <setting_server perm="R">{{provisioning.url}}{mac}.xml</setting_server>
    <http_client_user perm="R">{{provisioning.username}}</http_client_user>
    <http_client_pass perm="R">{{provisioning.password}}</http_client_pass>
    <user_active idx="1" perm="R">on</user_active>
    <user_idle_text idx="1" perm="R">{{lines.1.label}}</user_idle_text>
    <user_realname idx="1" perm="R">{{lines.1.display_name}}</user_realname>
    <user_name idx="1" perm="R">{{lines.1.username}}</user_name>
    <user_pname idx="1" perm="R">{{lines.1.auth_username}}</user_pname>
    <user_pass idx="1" perm="R">{{lines.1.password}}</user_pass>
    <user_host idx="1" perm="R">{{lines.1.server}}:{{lines.1.port}}</user_host>
    <user_outbound idx="1" perm="R">{{lines.1.server}}:{{lines.1.port}};transport={{lines.1.transport}}</user_outbound>
    <user_active idx="2" perm="R">on</user_active>
    <user_idle_text idx="2" perm="R">{{lines.2.label}}</user_idle_text>
    <user_realname idx="2" perm="R">{{lines.2.display_name}}</user_realname>
    <user_name idx="2" perm="R">{{lines.2.username}}</user_name>
    <user_pname idx="2" perm="R">{{lines.2.auth_username}}</user_pname>
    <user_pass idx="2" perm="R">{{lines.2.password}}</user_pass>
    <user_host idx="2" perm="R">{{lines.2.server}}:{{lines.2.port}}</user_host>
    <user_outbound idx="2" perm="R">{{lines.2.server}}:{{lines.2.port}};transport={{lines.2.transport}}</user_outbound>
    <user_active idx="3" perm="R">on</user_active>
    <user_idle_text idx="3" perm="R">{{lines.3.label}}</user_idle_text>
    <user_realname idx="3" perm="R">{{lines.3.display_name}}</user_realname>
    <user_name idx="3" perm="R">{{lines.3.username}}</user_name>
    <user_pname idx="3" perm="R">{{lines.3.auth_username}}</user_pname>
    <user_pass idx="3" perm="R">{{lines.3.password}}</user_pass>
    <user_host idx="3" perm="R">{{lines.3.server}}:{{lines.3.port}}</user_host>
    <user_outbound idx="3" perm="R">{{lines.3.server}}:{{lines.3.port}};transport={{lines.3.transport}}</user_outbound>
    <user_active idx="4" perm="R">on</user_active>
    <user_idle_text idx="4" perm="R">{{lines.4.label}}</user_idle_text>
    <user_realname idx="4" perm="R">{{lines.4.display_name}}</user_realname>
    <user_name idx="4" perm="R">{{lines.4.username}}</user_name>
    <user_pname idx="4" perm="R">{{lines.4.auth_username}}</user_pname>
    <user_pass idx="4" perm="R">{{lines.4.password}}</user_pass>
    <user_host idx="4" perm="R">{{lines.4.server}}:{{lines.4.port}}</user_host>
    <user_outbound idx="4" perm="R">{{lines.4.server}}:{{lines.4.port}};transport={{lines.4.transport}}</user_outbound>
    <user_active idx="5" perm="R">on</user_active>
    <user_idle_text idx="5" perm="R">{{lines.5.label}}</user_idle_text>
    <user_realname idx="5" perm="R">{{lines.5.display_name}}</user_realname>
    <user_name idx="5" perm="R">{{lines.5.username}}</user_name>
    <user_pname idx="5" perm="R">{{lines.5.auth_username}}</user_pname>
    <user_pass idx="5" perm="R">{{lines.5.password}}</user_pass>
    <user_host idx="5" perm="R">{{lines.5.server}}:{{lines.5.port}}</user_host>
    <user_outbound idx="5" perm="R">{{lines.5.server}}:{{lines.5.port}};transport={{lines.5.transport}}</user_outbound>
    <user_active idx="6" perm="R">on</user_active>
    <user_idle_text idx="6" perm="R">{{lines.6.label}}</user_idle_text>
    <user_realname idx="6" perm="R">{{lines.6.display_name}}</user_realname>
    <user_name idx="6" perm="R">{{lines.6.username}}</user_name>
    <user_pname idx="6" perm="R">{{lines.6.auth_username}}</user_pname>
    <user_pass idx="6" perm="R">{{lines.6.password}}</user_pass>
    <user_host idx="6" perm="R">{{lines.6.server}}:{{lines.6.port}}</user_host>
    <user_outbound idx="6" perm="R">{{lines.6.server}}:{{lines.6.port}};transport={{lines.6.transport}}</user_outbound>
    <user_active idx="7" perm="R">on</user_active>
    <user_idle_text idx="7" perm="R">{{lines.7.label}}</user_idle_text>
    <user_realname idx="7" perm="R">{{lines.7.display_name}}</user_realname>
    <user_name idx="7" perm="R">{{lines.7.username}}</user_name>
    <user_pname idx="7" perm="R">{{lines.7.auth_username}}</user_pname>
    <user_pass idx="7" perm="R">{{lines.7.password}}</user_pass>
    <user_host idx="7" perm="R">{{lines.7.server}}:{{lines.7.port}}</user_host>
    <user_outbound idx="7" perm="R">{{lines.7.server}}:{{lines.7.port}};transport={{lines.7.transport}}</user_outbound>
    <user_active idx="8" perm="R">on</user_active>
    <user_idle_text idx="8" perm="R">{{lines.8.label}}</user_idle_text>
    <user_realname idx="8" perm="R">{{lines.8.display_name}}</user_realname>
    <user_name idx="8" perm="R">{{lines.8.username}}</user_name>
    <user_pname idx="8" perm="R">{{lines.8.auth_username}}</user_pname>
    <user_pass idx="8" perm="R">{{lines.8.password}}</user_pass>
    <user_host idx="8" perm="R">{{lines.8.server}}:{{lines.8.port}}</user_host>
    <user_outbound idx="8" perm="R">{{lines.8.server}}:{{lines.8.port}};transport={{lines.8.transport}}</user_outbound>
    <user_active idx="9" perm="R">on</user_active>
    <user_idle_text idx="9" perm="R">{{lines.9.label}}</user_idle_text>
    <user_realname idx="9" perm="R">{{lines.9.display_name}}</user_realname>
    <user_name idx="9" perm="R">{{lines.9.username}}</user_name>
    <user_pname idx="9" perm="R">{{lines.9.auth_username}}</user_pname>
    <user_pass idx="9" perm="R">{{lines.9.password}}</user_pass>
    <user_host idx="9" perm="R">{{lines.9.server}}:{{lines.9.port}}</user_host>
    <user_outbound idx="9" perm="R">{{lines.9.server}}:{{lines.9.port}};transport={{lines.9.transport}}</user_outbound>
    <user_active idx="10" perm="R">on</user_active>
    <user_idle_text idx="10" perm="R">{{lines.10.label}}</user_idle_text>
    <user_realname idx="10" perm="R">{{lines.10.display_name}}</user_realname>
    <user_name idx="10" perm="R">{{lines.10.username}}</user_name>
    <user_pname idx="10" perm="R">{{lines.10.auth_username}}</user_pname>
    <user_pass idx="10" perm="R">{{lines.10.password}}</user_pass>
    <user_host idx="10" perm="R">{{lines.10.server}}:{{lines.10.port}}</user_host>
    <user_outbound idx="10" perm="R">{{lines.10.server}}:{{lines.10.port}};transport={{lines.10.transport}}</user_outbound>
    <user_active idx="11" perm="R">on</user_active>
    <user_idle_text idx="11" perm="R">{{lines.11.label}}</user_idle_text>
    <user_realname idx="11" perm="R">{{lines.11.display_name}}</user_realname>
    <user_name idx="11" perm="R">{{lines.11.username}}</user_name>
    <user_pname idx="11" perm="R">{{lines.11.auth_username}}</user_pname>
    <user_pass idx="11" perm="R">{{lines.11.password}}</user_pass>
    <user_host idx="11" perm="R">{{lines.11.server}}:{{lines.11.port}}</user_host>
    <user_outbound idx="11" perm="R">{{lines.11.server}}:{{lines.11.port}};transport={{lines.11.transport}}</user_outbound>
    <user_active idx="12" perm="R">on</user_active>
    <user_idle_text idx="12" perm="R">{{lines.12.label}}</user_idle_text>
    <user_realname idx="12" perm="R">{{lines.12.display_name}}</user_realname>
    <user_name idx="12" perm="R">{{lines.12.username}}</user_name>
    <user_pname idx="12" perm="R">{{lines.12.auth_username}}</user_pname>
    <user_pass idx="12" perm="R">{{lines.12.password}}</user_pass>
    <user_host idx="12" perm="R">{{lines.12.server}}:{{lines.12.port}}</user_host>
    <user_outbound idx="12" perm="R">{{lines.12.server}}:{{lines.12.port}};transport={{lines.12.transport}}</user_outbound>
  </phone-settings>
</settings>
