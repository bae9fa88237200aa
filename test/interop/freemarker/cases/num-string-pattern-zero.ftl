${2.5?string("0")} ${0.5?string("0")} ${1.5?string("0")} ${3.5?string("0")}
