${h.pw}
