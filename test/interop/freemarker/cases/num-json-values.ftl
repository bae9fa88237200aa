${port} ${port?c} ${ratio} ${neg} ${neg?c} ${tiny}
