${"a-b-c"?replace("-", "/")} ${"aaa"?replace("a", "bb")} ${"x"?replace("", "-")}
