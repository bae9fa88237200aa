hello from the include, who=${who}
<#assign fromInclude = "set by the include">
