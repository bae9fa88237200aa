#!version:1.0.0.1
<#if true>
static.auto_provision.pnp_enable = 0
</#if>
