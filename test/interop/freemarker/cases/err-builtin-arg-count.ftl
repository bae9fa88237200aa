${"abc"?replace("a")}
