<#switch 1><#on 1>one</#switch>
