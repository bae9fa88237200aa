${[1, 2]?keys?size}
