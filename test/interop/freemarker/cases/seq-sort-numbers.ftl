${ns?sort?join(",")} ${ns?sort?reverse?join(",")}
