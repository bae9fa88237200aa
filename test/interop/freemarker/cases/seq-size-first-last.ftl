${xs?size} ${xs?first} ${xs?last} ${xs[1]}
