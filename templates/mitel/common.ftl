# edgeprov sample for FreeMarker: Mitel/Aastra aastra.cfg (read by every phone first) and
# <model>.cfg (read next). Later files override earlier ones, and the phone's <MAC>.cfg comes
# last. It is the same file for every phone, so it uses only site values: no accounts, no secrets.
# contact rcs: 0 keeps phones away from Mitel's redirection service.
time server disabled: 0
time server1: ${site.ntp_server}
time zone name: ${site.timezone}
contact rcs: 0
