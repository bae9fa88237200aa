<#list (cfg.lines)![] as l>${l}<#else>no lines</#list>
