<#macro m></#macro><#function f><#return 1></#function>${m?is_macro?c} ${m?is_directive?c} ${f?is_method?c} ${f?is_macro?c}
