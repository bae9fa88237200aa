${["b", "C", "a", "B"]?sort?join(",")}
