<#setting no_such_setting="x">
