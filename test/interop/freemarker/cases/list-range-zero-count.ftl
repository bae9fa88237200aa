<#list 0..n-1 as i>${i};</#list>|<#list 0..<n as i>${i};</#list>|<#list 1..n as i>${i};</#list>
