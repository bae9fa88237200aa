<#if 2 lt 3>lt</#if> <#if 3 gt 2>gt</#if> <#if 3 &gt; 2>gt2</#if> <#if 2 &lt; 3>lt2</#if> <#if 3 gte 3>gte</#if> <#if 3 lte 3>lte</#if>
