${"2.5"?round}
