${"q\"q \'s\' back\\slash tab[\t] \{ \x41\x0042 \l\g \a"}
