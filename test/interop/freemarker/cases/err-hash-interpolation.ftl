line = ${line}
