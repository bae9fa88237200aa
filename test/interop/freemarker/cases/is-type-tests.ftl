<#list ["s", 1, true, [1], {"a": 1}] as v>${v?is_string?c}/${v?is_number?c}/${v?is_boolean?c}/${v?is_sequence?c}/${v?is_hash?c}/${v?is_enumerable?c}
</#list>