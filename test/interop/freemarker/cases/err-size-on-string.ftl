${"abc"?size}
