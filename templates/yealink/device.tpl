#!version:1.0.0.1
## edgeprov sample: Yealink <mac>.cfg for the Default engine (value insertion only).
## Two accounts are filled here; copy a block for each further line the model carries.
## Lines a phone does not have render empty, which Yealink reads as "unset".

static.security.user_name.admin = admin
static.security.user_password = admin:{{device.login_password}}

local_time.ntp_server1 = {{site.ntp_server}}
local_time.time_zone_name = {{site.timezone}}

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

account.2.label = {{lines.2.label}}
account.2.display_name = {{lines.2.display_name}}
account.2.auth_name = {{lines.2.auth_username}}
account.2.user_name = {{lines.2.username}}
account.2.password = {{lines.2.password}}
account.2.sip_server.1.address = {{lines.2.server}}
account.2.sip_server.1.port = {{lines.2.port}}
account.2.outbound_proxy.1.address = {{lines.2.outbound_proxy}}
