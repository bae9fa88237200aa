[${x!"d"}] [${present!"d"}] [${x!}] [${(x!)?length}]
