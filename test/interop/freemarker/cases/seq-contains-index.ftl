${xs?seq_contains("tcp")?c} ${xs?seq_contains("sctp")?c} ${xs?seq_index_of("tls")} ${xs?seq_index_of("x")} ${[1,2,1]?seq_last_index_of(1)} ${ns?seq_contains(20)?c}
