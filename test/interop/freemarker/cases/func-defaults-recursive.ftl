<#function fact n acc=1><#if n lte 1><#return acc></#if><#return fact(n - 1, acc * n)></#function>${fact(5)} ${fact(20)?c}
