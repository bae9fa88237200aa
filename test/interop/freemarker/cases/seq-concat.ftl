${(xs + ["sctp"])?join(",")} ${([] + xs)?size}
