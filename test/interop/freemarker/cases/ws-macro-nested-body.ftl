<#macro wrap>
<begin>
<#nested>
<end>
</#macro>
<@wrap>
  inner line
</@wrap>
