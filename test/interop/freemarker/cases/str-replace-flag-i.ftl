${"UDP udp Udp"?replace("udp", "tcp", "i")} ${"aAaA"?replace("a", "x", "if")}
