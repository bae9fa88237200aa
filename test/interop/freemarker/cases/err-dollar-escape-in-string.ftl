${"cost \$5"}
