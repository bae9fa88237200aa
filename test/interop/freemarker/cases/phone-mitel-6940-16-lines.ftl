# ${device.model} ${device.mac_upper} - ${site.name}
admin password: ${device.login_password}
time server disabled: 0
time server1: ${site.ntp_server}
time zone name: ${site.timezone}
contact rcs: 0
download protocol: ${provisioning.url?keep_before("://")?upper_case}
<#assign hostPort = provisioning.url?keep_after("://")?keep_before("/")>
http server: ${hostPort?keep_before(":")}
http port: ${(hostPort?contains(":"))?then(hostPort?keep_after(":"), "80")}
http path: ${provisioning.url?keep_after("://")?keep_after("/")}

<#list lines as l>
sip line${l.index} auth name: ${l.auth_username}
sip line${l.index} user name: ${l.username}
sip line${l.index} password: ${l.password}
sip line${l.index} display name: ${l.display_name}
sip line${l.index} screen name: ${l.label}
sip line${l.index} proxy ip: ${l.server}
sip line${l.index} proxy port: ${l.port?c}
sip line${l.index} registrar ip: ${l.server}
sip line${l.index} registrar port: ${l.port?c}
sip line${l.index} transport protocol: <#switch l.transport><#case "tcp">2<#break><#case "tls">4<#break><#default>1</#switch>
<#sep>

</#list>
