${"éva"?cap_first} ${"ÄRZTEHAUS"?lower_case} ${"straße"?upper_case}
