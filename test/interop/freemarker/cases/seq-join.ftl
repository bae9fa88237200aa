${xs?join(", ")}|${[]?join(", ", "(none)")}|${xs?join(", ", "-", ".")}|${ns?join("/")}
