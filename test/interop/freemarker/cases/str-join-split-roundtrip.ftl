${"udp;tcp;tls"?split(";")?join("|")}
