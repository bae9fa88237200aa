${5060?upper_case} ${5060?length} ${1234.5?replace(",", "")} ${5060?c?length}
