${xs?size} ${xs[0]} ${xs[1]!"(gap)"} ${(xs[1])???c} ${xs[2]}
