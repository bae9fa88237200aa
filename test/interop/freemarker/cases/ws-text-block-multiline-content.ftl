<#if true>x
  y
  z</#if>
