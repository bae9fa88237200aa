<#macro a>A</#macro><#macro b>B</#macro><#assign which = b><@which/> <@.vars["a"]/>
