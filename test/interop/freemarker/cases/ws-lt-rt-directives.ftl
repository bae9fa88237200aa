  left trimmed   <#lt>
  right trimmed   <#rt>
both  <#t>
end
