${[1, "a"]?sort?join(",")}
