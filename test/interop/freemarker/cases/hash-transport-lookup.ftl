<#assign codes = {"udp": 0, "tcp": 1, "tls": 2}>
<#list ts as t>${t}=${codes[t]}<#sep> </#list>
