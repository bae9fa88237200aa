${"5060"?number + 1} ${"1.50"?number?c} ${"1e3"?number?c} ${" 42 "?trim?number}
