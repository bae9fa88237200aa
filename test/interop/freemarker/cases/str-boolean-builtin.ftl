${"true"?boolean?c} ${"false"?boolean?c}
