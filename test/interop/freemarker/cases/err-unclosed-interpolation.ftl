value = ${x
