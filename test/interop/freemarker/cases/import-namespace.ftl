<#import "_lib/kv.ftl" as kv>
<@kv.pair "user" "201"/>
<@kv.pair "port" 5060/>
sep is [${kv.sep}]
