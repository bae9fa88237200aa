<#assign e = "">
${e}
${e}   
end
