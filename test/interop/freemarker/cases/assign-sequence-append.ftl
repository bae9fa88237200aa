<#assign acc = []><#list 1..3 as i><#assign acc = acc + ["L" + i]></#list>${acc?join(",")}
