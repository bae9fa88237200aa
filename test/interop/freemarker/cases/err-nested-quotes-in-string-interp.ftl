${"user=${u!"anonymous"}"}
