<#list ["udp", "tcp", "tls", "sctp"] as t><#switch t><#case "udp">0<#break><#case "tcp">1<#break><#case "tls">2<#break><#default>?</#switch></#list>
