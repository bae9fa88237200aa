<#function pair a b><#return [a, b]></#function><#function greet n="x"><#return "hi " + n></#function>${pair(1, 2)?join("-")} ${greet()} ${greet("y")}
