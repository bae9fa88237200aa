${x!"abc"?upper_case} ${(x!"abc")?upper_case} ${y!"z"?length}
