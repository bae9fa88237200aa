<#list xs![] as x>${x}</#list>|<#list (h.list)!["d"] as x>${x}</#list>|${(h.n)!0}
