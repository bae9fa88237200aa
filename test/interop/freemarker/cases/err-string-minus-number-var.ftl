${port - 1}
