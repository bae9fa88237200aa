${xs?size} <#list xs as x>${x!"(null)"} </#list>${h?keys?join(",")} ${(h.n)???c} ${(xs[1])???c}
