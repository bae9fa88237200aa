${"user=${user}"}
