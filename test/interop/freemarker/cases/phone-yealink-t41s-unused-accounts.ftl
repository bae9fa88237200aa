#!version:1.0.0.1
<#assign maxLines = 6>
<#list lines as l>
account.${l.index}.enable = 1
account.${l.index}.user_name = ${l.username}
account.${l.index}.sip_server.1.address = ${l.server}
</#list>
<#list lines?size + 1..maxLines as n>
account.${n}.enable = 0
account.${n}.user_name = %NULL%
</#list>
