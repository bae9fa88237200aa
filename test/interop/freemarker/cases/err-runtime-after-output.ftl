line1
line2 ${missing_after_output}
