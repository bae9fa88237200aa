${xs?filter(x -> x?length > 5)?join(",")} ${xs?map(x -> x?upper_case)?join(",")} ${ns?filter(n -> n % 2 == 0)?map(n -> n * 10)?join(",")}
