${5060?string} ${0.5?string} ${(1/3)?string} ${5060?string?length}
