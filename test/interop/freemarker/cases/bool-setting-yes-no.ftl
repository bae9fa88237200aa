<#setting boolean_format="yes,no">
${flag} ${!flag} ${flag?c}
