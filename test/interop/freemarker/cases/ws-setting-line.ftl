<#setting number_format="computer">
port=${5060}
