# edgeprov sample for the Default engine: Mitel/Aastra <MAC>.cfg (the device config), read after
# aastra.cfg and <model>.cfg, so its values win. Lines 1-12 are written out (our choice: the
# reference has no line counts per model); a line the device does not have renders empty values.
# Not written: the transport (the Default engine cannot map udp/tcp/tls to Mitel's codes) and the
# next provisioning server, which Mitel takes as separate protocol, server, port and path that the
# Default engine cannot cut out of provisioning.url (the FreeMarker sample does). To set it by hand:
#   download protocol: HTTPS
#   https server: prov.example.com
#   https port: 8443
#   https path: secure/
# time zone name wants Mitel names (US-Eastern); site.timezone is written as given.

admin password: {{device.login_password}}
time server disabled: 0
time server1: {{site.ntp_server}}
time zone name: {{site.timezone}}
contact rcs: 0

sip line1 auth name: {{lines.1.auth_username}}
sip line1 user name: {{lines.1.username}}
sip line1 password: {{lines.1.password}}
sip line1 display name: {{lines.1.display_name}}
sip line1 screen name: {{lines.1.label}}
sip line1 proxy ip: {{lines.1.server}}
sip line1 proxy port: {{lines.1.port}}
sip line1 registrar ip: {{lines.1.server}}
sip line1 registrar port: {{lines.1.port}}

sip line2 auth name: {{lines.2.auth_username}}
sip line2 user name: {{lines.2.username}}
sip line2 password: {{lines.2.password}}
sip line2 display name: {{lines.2.display_name}}
sip line2 screen name: {{lines.2.label}}
sip line2 proxy ip: {{lines.2.server}}
sip line2 proxy port: {{lines.2.port}}
sip line2 registrar ip: {{lines.2.server}}
sip line2 registrar port: {{lines.2.port}}

sip line3 auth name: {{lines.3.auth_username}}
sip line3 user name: {{lines.3.username}}
sip line3 password: {{lines.3.password}}
sip line3 display name: {{lines.3.display_name}}
sip line3 screen name: {{lines.3.label}}
sip line3 proxy ip: {{lines.3.server}}
sip line3 proxy port: {{lines.3.port}}
sip line3 registrar ip: {{lines.3.server}}
sip line3 registrar port: {{lines.3.port}}

sip line4 auth name: {{lines.4.auth_username}}
sip line4 user name: {{lines.4.username}}
sip line4 password: {{lines.4.password}}
sip line4 display name: {{lines.4.display_name}}
sip line4 screen name: {{lines.4.label}}
sip line4 proxy ip: {{lines.4.server}}
sip line4 proxy port: {{lines.4.port}}
sip line4 registrar ip: {{lines.4.server}}
sip line4 registrar port: {{lines.4.port}}

sip line5 auth name: {{lines.5.auth_username}}
sip line5 user name: {{lines.5.username}}
sip line5 password: {{lines.5.password}}
sip line5 display name: {{lines.5.display_name}}
sip line5 screen name: {{lines.5.label}}
sip line5 proxy ip: {{lines.5.server}}
sip line5 proxy port: {{lines.5.port}}
sip line5 registrar ip: {{lines.5.server}}
sip line5 registrar port: {{lines.5.port}}

sip line6 auth name: {{lines.6.auth_username}}
sip line6 user name: {{lines.6.username}}
sip line6 password: {{lines.6.password}}
sip line6 display name: {{lines.6.display_name}}
sip line6 screen name: {{lines.6.label}}
sip line6 proxy ip: {{lines.6.server}}
sip line6 proxy port: {{lines.6.port}}
sip line6 registrar ip: {{lines.6.server}}
sip line6 registrar port: {{lines.6.port}}

sip line7 auth name: {{lines.7.auth_username}}
sip line7 user name: {{lines.7.username}}
sip line7 password: {{lines.7.password}}
sip line7 display name: {{lines.7.display_name}}
sip line7 screen name: {{lines.7.label}}
sip line7 proxy ip: {{lines.7.server}}
sip line7 proxy port: {{lines.7.port}}
sip line7 registrar ip: {{lines.7.server}}
sip line7 registrar port: {{lines.7.port}}

sip line8 auth name: {{lines.8.auth_username}}
sip line8 user name: {{lines.8.username}}
sip line8 password: {{lines.8.password}}
sip line8 display name: {{lines.8.display_name}}
sip line8 screen name: {{lines.8.label}}
sip line8 proxy ip: {{lines.8.server}}
sip line8 proxy port: {{lines.8.port}}
sip line8 registrar ip: {{lines.8.server}}
sip line8 registrar port: {{lines.8.port}}

sip line9 auth name: {{lines.9.auth_username}}
sip line9 user name: {{lines.9.username}}
sip line9 password: {{lines.9.password}}
sip line9 display name: {{lines.9.display_name}}
sip line9 screen name: {{lines.9.label}}
sip line9 proxy ip: {{lines.9.server}}
sip line9 proxy port: {{lines.9.port}}
sip line9 registrar ip: {{lines.9.server}}
sip line9 registrar port: {{lines.9.port}}

sip line10 auth name: {{lines.10.auth_username}}
sip line10 user name: {{lines.10.username}}
sip line10 password: {{lines.10.password}}
sip line10 display name: {{lines.10.display_name}}
sip line10 screen name: {{lines.10.label}}
sip line10 proxy ip: {{lines.10.server}}
sip line10 proxy port: {{lines.10.port}}
sip line10 registrar ip: {{lines.10.server}}
sip line10 registrar port: {{lines.10.port}}

sip line11 auth name: {{lines.11.auth_username}}
sip line11 user name: {{lines.11.username}}
sip line11 password: {{lines.11.password}}
sip line11 display name: {{lines.11.display_name}}
sip line11 screen name: {{lines.11.label}}
sip line11 proxy ip: {{lines.11.server}}
sip line11 proxy port: {{lines.11.port}}
sip line11 registrar ip: {{lines.11.server}}
sip line11 registrar port: {{lines.11.port}}

sip line12 auth name: {{lines.12.auth_username}}
sip line12 user name: {{lines.12.username}}
sip line12 password: {{lines.12.password}}
sip line12 display name: {{lines.12.display_name}}
sip line12 screen name: {{lines.12.label}}
sip line12 proxy ip: {{lines.12.server}}
sip line12 proxy port: {{lines.12.port}}
sip line12 registrar ip: {{lines.12.server}}
sip line12 registrar port: {{lines.12.port}}
