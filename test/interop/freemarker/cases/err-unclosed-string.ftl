${"abc}
