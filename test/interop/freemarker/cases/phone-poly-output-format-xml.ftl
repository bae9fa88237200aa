<#ftl output_format="XML">
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<polycomConfig>
  <reg<#list lines as l> reg.${l.index}.displayName="${l.display_name}" reg.${l.index}.label="${l.label}" reg.${l.index}.auth.password="${l.password}"</#list>/>
  <device device.auth.localAdminPassword.set="1" device.auth.localAdminPassword="${device.login_password}"/>
</polycomConfig>
