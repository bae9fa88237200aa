user = ${user}
