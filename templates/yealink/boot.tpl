#!version:1.0.0.1
## edgeprov sample for the Default engine: Yealink <mac>.boot, the first file a phone asks for.
## It names the CFG files to load, in order (relative names come from the same server).
## overwrite_mode = 1: values from the server replace changes made on the phone (unverified detail).
include:config "{{device.mac}}.cfg"
overwrite_mode = 1
