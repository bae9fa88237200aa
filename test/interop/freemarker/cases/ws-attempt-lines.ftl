<#attempt>
  ok ${missing}
<#recover>
  recovered
</#attempt>
end
