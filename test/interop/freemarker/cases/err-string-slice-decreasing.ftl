${"abcdef"[4..1]}
