[${"  padded \t\n"?trim}] [${""?trim}]
