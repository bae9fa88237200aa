${xs?upper_case}
