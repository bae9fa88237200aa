<#assign s = "abcdefgh">${s[2..4]} ${s[2..<4]} ${s[2..!4]} ${s[2..*3]} ${s[5..]} ${s[6..*10]} <#assign r = 3..><#list r[0..2] as i>${i}</#list>
