enabled = ${flag}
