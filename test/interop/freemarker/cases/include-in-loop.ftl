<#list ["a", "b"] as item>
<#include "_lib/item.ftl">
</#list>
