${"00:15:65:AA:bb:cc"?replace("[:-]", "", "r")} ${"john.smith"?replace("(\\w+)\\.(\\w+)", "$2, $1", "r")}
