#!version:1.0.0.1
<#import "_lib/yealink.ftl" as y>
<@y.kv "static.security.user_password", "admin:" + device.login_password/>
<@y.kv "local_time.ntp_server1", site.ntp_server/>
<#list lines as l>

<@y.account l/>
</#list>
