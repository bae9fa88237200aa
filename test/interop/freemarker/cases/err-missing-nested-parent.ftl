${line.password}
