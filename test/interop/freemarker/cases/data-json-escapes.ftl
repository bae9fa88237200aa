${a} [${b}] ${c?length} ${d} ${e?j_string}
