<#function twice n>
  <#return n * 2>
</#function>
v=${twice(21)}
