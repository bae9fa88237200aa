<#global v = "g"><#assign v = "ns">${v} ${.globals.v}
