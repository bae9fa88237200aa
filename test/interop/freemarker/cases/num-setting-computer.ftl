<#setting number_format="computer">
${1234567.5} ${5060} ${1/3}
