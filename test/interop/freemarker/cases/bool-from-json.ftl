<#if enabled>on</#if> <#if !disabled>not-disabled</#if> ${enabled?c}
