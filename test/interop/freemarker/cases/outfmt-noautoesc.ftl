<#ftl output_format="XML">
${s} <#noautoesc>${s}</#noautoesc> ${s}
