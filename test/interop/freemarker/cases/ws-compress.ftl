<#compress>
  a    b


  c	  d
</#compress>
