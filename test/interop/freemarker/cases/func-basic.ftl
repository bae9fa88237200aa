<#function code t><#if t == "tcp"><#return 1><#elseif t == "tls"><#return 2></#if><#return 0></#function>${code("udp")} ${code("tls")}
