<#setting boolean_format="enabled,disabled">${"state: " + flag}
