${ns?take_while(n -> n < 3)?join(",")} ${ns?drop_while(n -> n < 3)?join(",")}
