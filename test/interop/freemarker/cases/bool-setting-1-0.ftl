<#setting boolean_format="1,0">
${true} ${false} ${flag} ${"x${flag}"}
