<#ftl output_format="XML">
<name>${s}</name>
<raw>${s?no_esc}</raw>
