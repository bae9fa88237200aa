<#assign m = {"a": 1, "b": 2} + {"b": 3, "c": 4}>${m?keys?join(",")} ${m.b}
