${"a.b.c"?replace(".", "-", "f")} ${"a1b22c333"?replace("[0-9]+", "#", "rf")}
