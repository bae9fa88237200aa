<#list xs as x>${x?index}/${x?counter}/${x?has_next?c}/${x?is_first?c}/${x?is_last?c}/${x?item_parity}/${x?is_odd_item?c}/${x?is_even_item?c}/${x?item_cycle("r", "g", "b")}
</#list>