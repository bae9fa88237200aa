<#foo bar=1>
