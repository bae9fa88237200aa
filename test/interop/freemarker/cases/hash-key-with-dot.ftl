${h["account.1.enable"]} ${h["sip-port"]?c}
