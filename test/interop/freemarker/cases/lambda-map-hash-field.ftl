${lines?map(l -> l.ext)?join("+")} ${lines?map(l -> l.ext)?size}
