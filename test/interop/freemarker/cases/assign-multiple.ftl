<#assign a = 1 b = "two" c = [3]>${a} ${b} ${c[0]}
<#assign d = 4, e = 5>${d + e}
