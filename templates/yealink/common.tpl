#!version:1.0.0.1
## edgeprov sample for the Default engine: Yealink y0000000000XX.cfg (the common CFG every phone
## of one hardware family asks for before its <mac>.cfg; XX is the hardware id). It is rendered
## without knowing which phone asks (over TFTP the name carries no MAC), so it uses only site
## values: no accounts, no secrets. <mac>.cfg comes later and wins.

local_time.time_zone_name = {{site.timezone}}
local_time.ntp_server1 = {{site.ntp_server}}
