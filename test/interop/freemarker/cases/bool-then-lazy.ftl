${flag?then("yes", missing)} ${(!flag)?then(missing, "no")} ${(1 < 2)?then(1, 2)}
