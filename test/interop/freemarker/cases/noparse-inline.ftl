<#noparse>${x} <#if> <@m/></#noparse> ${"real"}
