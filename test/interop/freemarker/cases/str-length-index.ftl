${"pbx.example.net"?length} ${"a.b.c"?index_of(".")} ${"a.b.c"?last_index_of(".")} ${"abc"?index_of("x")} ${"a.b.c"?index_of(".", 2)}
