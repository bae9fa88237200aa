<#import "_lib/kv.ftl" as kv>
start
<@kv.pair "a" "1"/>
end
