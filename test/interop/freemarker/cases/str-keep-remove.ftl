${"user@host:5060"?keep_before("@")} ${"user@host:5060"?keep_after("@")} ${"a.b.c"?keep_before_last(".")} ${"a.b.c"?keep_after_last(".")} [${"abc"?keep_after("x")}] [${"abc"?keep_before("x")}]
