<#assign s = "a"><#assign s += "b"><#assign s += 1>${s}
