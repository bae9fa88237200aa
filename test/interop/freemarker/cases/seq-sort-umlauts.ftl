${["Zeta Corp", "Ärztehaus Mitte", "Anna Bau", "apple", "Émile"]?sort?join(" | ")}
