<#macro m a b="">[${a?is_sequence?c}|${b?is_sequence?c}]</#macro><@m "x", []/> <@m "x" "y"/> <@m ["a"], ["b"]/> <@m [1]/>
