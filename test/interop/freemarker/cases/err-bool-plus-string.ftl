${"x" + flag}
