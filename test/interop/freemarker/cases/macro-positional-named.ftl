<#macro kv key value sep=" = ">${key}${sep}${value}
</#macro><@kv "a", "1"/><@kv key="b" value="2"/><@kv key="c" value="3" sep=": "/>