${"abc"?no_such_builtin}
