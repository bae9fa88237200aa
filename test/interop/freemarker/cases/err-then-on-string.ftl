${"yes"?then(1, 2)}
