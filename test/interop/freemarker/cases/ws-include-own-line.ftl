head
<#include "_lib/ws-snippet.ftl">
  <#include "_lib/ws-snippet.ftl">
tail
