<#assign who = "caller">
<#include "_lib/greeting.ftl">
after: ${fromInclude}
