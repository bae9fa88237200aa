${(a.b)!"d1"} ${(a.b.c)!"d2"} ${(present.b)!"d3"}
