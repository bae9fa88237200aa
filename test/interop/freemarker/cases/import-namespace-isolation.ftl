<#assign sep = "main">
<#import "_lib/kv.ftl" as kv>
${sep} ${kv.sep}
