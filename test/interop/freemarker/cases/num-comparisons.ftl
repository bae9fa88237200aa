<#if 5060 == 5060.00>eq</#if> <#if 3 < 5>lt</#if> <#if 5 gt 3>gt</#if> <#if 5 gte 5>gte</#if> <#if 2 lte 2>lte</#if> <#if 1 != 2>ne</#if>
