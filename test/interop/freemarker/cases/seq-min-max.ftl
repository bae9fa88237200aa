${ns?min} ${ns?max} ${[]?min!"none"}
