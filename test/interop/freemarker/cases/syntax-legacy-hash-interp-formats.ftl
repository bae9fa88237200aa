#{port} #{ratio; m2} #{ratio; M1}
