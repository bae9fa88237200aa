<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!-- edgeprov sample for FreeMarker: Poly master configuration, served for both <mac>.cfg
     and 000000000000.cfg. The phone expands [PHONE_MAC_ADDRESS] itself, so this file is the
     same for every phone. CONFIG_FILES are read in order; the first definition of a setting wins
     (unverified), so the device's own file comes first. -->
<APPLICATION APP_FILE_PATH="sip.ld" CONFIG_FILES="[PHONE_MAC_ADDRESS]-user.cfg, common.cfg" MISC_FILES="" LOG_FILE_DIRECTORY="" OVERRIDES_DIRECTORY="" CONTACTS_DIRECTORY="" LICENSE_DIRECTORY=""/>
