a
<#-- a comment on its own line -->
b
  <#-- indented comment -->
c
