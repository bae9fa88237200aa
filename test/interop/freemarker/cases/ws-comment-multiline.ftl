top
<#--
  spans
  lines
-->
bottom
