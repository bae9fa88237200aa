port = ${port?c}
