#!version:1.0.0.1
## y000000000000.boot for ${device.model}
include:config "${provisioning.url}y000000000066.cfg"
include:config "${provisioning.url}${device.mac}.cfg"
overwrite_mode = 1
