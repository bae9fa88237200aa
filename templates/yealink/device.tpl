#!version:1.0.0.1
## edgeprov sample for the Default engine: Yealink <mac>.cfg (the device config).
## The Default engine only inserts values, so accounts 1-16 are written out (16 is the most a
## Yealink desk phone carries: T46S/T48S/T54S/T57W/T58...). A line the device does not have
## renders empty values, which the phone reads as "leave unchanged"; account.N.enable = 1 on an
## account without a user name registers nothing. Copy a block for more (DECT bases: use the
## FreeMarker sample, which loops over every line).
## Not written here (the Default engine cannot map udp/tcp/tls to Yealink's 0/1/2): the transport,
## so every account uses the phone's default (UDP). The FreeMarker sample writes it.
## account.N.outbound_proxy.1.address takes effect only with account.N.outbound_proxy_enable = 1,
## which the Default engine cannot set for just the lines that have a proxy: add it yourself
## (the FreeMarker sample does). These two key names are not in the reference (unverified).
## site.timezone is written as given (an IANA name); Yealink's own zone names and
## local_time.time_zone (+1) differ: adjust for your site.

static.security.user_name.admin = admin
static.security.user_password = admin:{{device.login_password}}

local_time.time_zone_name = {{site.timezone}}
local_time.ntp_server1 = {{site.ntp_server}}

## Next provisioning: the authenticated URL with this phone's own credentials.
## (The .username/.password key names are unverified; the reference marks them so.)
static.auto_provision.server.url = {{provisioning.url}}
static.auto_provision.server.username = {{provisioning.username}}
static.auto_provision.server.password = {{provisioning.password}}

account.1.enable = 1
account.1.label = {{lines.1.label}}
account.1.display_name = {{lines.1.display_name}}
account.1.auth_name = {{lines.1.auth_username}}
account.1.user_name = {{lines.1.username}}
account.1.password = {{lines.1.password}}
account.1.sip_server.1.address = {{lines.1.server}}
account.1.sip_server.1.port = {{lines.1.port}}
account.1.outbound_proxy.1.address = {{lines.1.outbound_proxy}}

account.2.enable = 1
account.2.label = {{lines.2.label}}
account.2.display_name = {{lines.2.display_name}}
account.2.auth_name = {{lines.2.auth_username}}
account.2.user_name = {{lines.2.username}}
account.2.password = {{lines.2.password}}
account.2.sip_server.1.address = {{lines.2.server}}
account.2.sip_server.1.port = {{lines.2.port}}
account.2.outbound_proxy.1.address = {{lines.2.outbound_proxy}}

account.3.enable = 1
account.3.label = {{lines.3.label}}
account.3.display_name = {{lines.3.display_name}}
account.3.auth_name = {{lines.3.auth_username}}
account.3.user_name = {{lines.3.username}}
account.3.password = {{lines.3.password}}
account.3.sip_server.1.address = {{lines.3.server}}
account.3.sip_server.1.port = {{lines.3.port}}
account.3.outbound_proxy.1.address = {{lines.3.outbound_proxy}}

account.4.enable = 1
account.4.label = {{lines.4.label}}
account.4.display_name = {{lines.4.display_name}}
account.4.auth_name = {{lines.4.auth_username}}
account.4.user_name = {{lines.4.username}}
account.4.password = {{lines.4.password}}
account.4.sip_server.1.address = {{lines.4.server}}
account.4.sip_server.1.port = {{lines.4.port}}
account.4.outbound_proxy.1.address = {{lines.4.outbound_proxy}}

account.5.enable = 1
account.5.label = {{lines.5.label}}
account.5.display_name = {{lines.5.display_name}}
account.5.auth_name = {{lines.5.auth_username}}
account.5.user_name = {{lines.5.username}}
account.5.password = {{lines.5.password}}
account.5.sip_server.1.address = {{lines.5.server}}
account.5.sip_server.1.port = {{lines.5.port}}
account.5.outbound_proxy.1.address = {{lines.5.outbound_proxy}}

account.6.enable = 1
account.6.label = {{lines.6.label}}
account.6.display_name = {{lines.6.display_name}}
account.6.auth_name = {{lines.6.auth_username}}
account.6.user_name = {{lines.6.username}}
account.6.password = {{lines.6.password}}
account.6.sip_server.1.address = {{lines.6.server}}
account.6.sip_server.1.port = {{lines.6.port}}
account.6.outbound_proxy.1.address = {{lines.6.outbound_proxy}}

account.7.enable = 1
account.7.label = {{lines.7.label}}
account.7.display_name = {{lines.7.display_name}}
account.7.auth_name = {{lines.7.auth_username}}
account.7.user_name = {{lines.7.username}}
account.7.password = {{lines.7.password}}
account.7.sip_server.1.address = {{lines.7.server}}
account.7.sip_server.1.port = {{lines.7.port}}
account.7.outbound_proxy.1.address = {{lines.7.outbound_proxy}}

account.8.enable = 1
account.8.label = {{lines.8.label}}
account.8.display_name = {{lines.8.display_name}}
account.8.auth_name = {{lines.8.auth_username}}
account.8.user_name = {{lines.8.username}}
account.8.password = {{lines.8.password}}
account.8.sip_server.1.address = {{lines.8.server}}
account.8.sip_server.1.port = {{lines.8.port}}
account.8.outbound_proxy.1.address = {{lines.8.outbound_proxy}}

account.9.enable = 1
account.9.label = {{lines.9.label}}
account.9.display_name = {{lines.9.display_name}}
account.9.auth_name = {{lines.9.auth_username}}
account.9.user_name = {{lines.9.username}}
account.9.password = {{lines.9.password}}
account.9.sip_server.1.address = {{lines.9.server}}
account.9.sip_server.1.port = {{lines.9.port}}
account.9.outbound_proxy.1.address = {{lines.9.outbound_proxy}}

account.10.enable = 1
account.10.label = {{lines.10.label}}
account.10.display_name = {{lines.10.display_name}}
account.10.auth_name = {{lines.10.auth_username}}
account.10.user_name = {{lines.10.username}}
account.10.password = {{lines.10.password}}
account.10.sip_server.1.address = {{lines.10.server}}
account.10.sip_server.1.port = {{lines.10.port}}
account.10.outbound_proxy.1.address = {{lines.10.outbound_proxy}}

account.11.enable = 1
account.11.label = {{lines.11.label}}
account.11.display_name = {{lines.11.display_name}}
account.11.auth_name = {{lines.11.auth_username}}
account.11.user_name = {{lines.11.username}}
account.11.password = {{lines.11.password}}
account.11.sip_server.1.address = {{lines.11.server}}
account.11.sip_server.1.port = {{lines.11.port}}
account.11.outbound_proxy.1.address = {{lines.11.outbound_proxy}}

account.12.enable = 1
account.12.label = {{lines.12.label}}
account.12.display_name = {{lines.12.display_name}}
account.12.auth_name = {{lines.12.auth_username}}
account.12.user_name = {{lines.12.username}}
account.12.password = {{lines.12.password}}
account.12.sip_server.1.address = {{lines.12.server}}
account.12.sip_server.1.port = {{lines.12.port}}
account.12.outbound_proxy.1.address = {{lines.12.outbound_proxy}}

account.13.enable = 1
account.13.label = {{lines.13.label}}
account.13.display_name = {{lines.13.display_name}}
account.13.auth_name = {{lines.13.auth_username}}
account.13.user_name = {{lines.13.username}}
account.13.password = {{lines.13.password}}
account.13.sip_server.1.address = {{lines.13.server}}
account.13.sip_server.1.port = {{lines.13.port}}
account.13.outbound_proxy.1.address = {{lines.13.outbound_proxy}}

account.14.enable = 1
account.14.label = {{lines.14.label}}
account.14.display_name = {{lines.14.display_name}}
account.14.auth_name = {{lines.14.auth_username}}
account.14.user_name = {{lines.14.username}}
account.14.password = {{lines.14.password}}
account.14.sip_server.1.address = {{lines.14.server}}
account.14.sip_server.1.port = {{lines.14.port}}
account.14.outbound_proxy.1.address = {{lines.14.outbound_proxy}}

account.15.enable = 1
account.15.label = {{lines.15.label}}
account.15.display_name = {{lines.15.display_name}}
account.15.auth_name = {{lines.15.auth_username}}
account.15.user_name = {{lines.15.username}}
account.15.password = {{lines.15.password}}
account.15.sip_server.1.address = {{lines.15.server}}
account.15.sip_server.1.port = {{lines.15.port}}
account.15.outbound_proxy.1.address = {{lines.15.outbound_proxy}}

account.16.enable = 1
account.16.label = {{lines.16.label}}
account.16.display_name = {{lines.16.display_name}}
account.16.auth_name = {{lines.16.auth_username}}
account.16.user_name = {{lines.16.username}}
account.16.password = {{lines.16.password}}
account.16.sip_server.1.address = {{lines.16.server}}
account.16.sip_server.1.port = {{lines.16.port}}
account.16.outbound_proxy.1.address = {{lines.16.outbound_proxy}}
