<#ftl strip_text=true>
this text goes
<#assign a = 1>
${a} stays
<#macro m>kept in macro</#macro>
<@m/>
