<#setting number_format="0.##">
${5060} ${1.005} ${1.015} ${2.345}
