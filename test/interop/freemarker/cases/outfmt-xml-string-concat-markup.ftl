<#ftl output_format="XML">
<#assign x = "<i>"?no_esc + "&">${x}
