${"port=5060;t=udp"?keep_after("=\\d+;", "r")} ${"SIP-T46S"?keep_after("sip-", "i")}
