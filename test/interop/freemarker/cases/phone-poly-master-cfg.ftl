<?xml version="1.0" standalone="yes"?>
<APPLICATION APP_FILE_PATH="sip.ld" CONFIG_FILES="${device.mac}-user.cfg, common.cfg" MISC_FILES="" LOG_FILE_DIRECTORY="" OVERRIDES_DIRECTORY="" CONTACTS_DIRECTORY="">
<#list ["VVX411", "VVX601", "VVX150"] as mdl>
  <APPLICATION_${mdl} APP_FILE_PATH_${mdl}="sip.ld" CONFIG_FILES_${mdl}="${device.mac}-user.cfg, common.cfg"/>
</#list>
</APPLICATION>
