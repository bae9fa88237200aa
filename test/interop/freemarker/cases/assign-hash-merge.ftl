<#assign cfg = {"a": "1"}><#assign cfg = cfg + {"b": "2"}><#list cfg as k, v>${k}=${v} </#list>
