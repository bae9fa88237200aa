<#macro line n label="Line " + n port=5060>${label}|${port?c}
</#macro><@line n=1/><@line n=2 label="Sales"/><@line n=3 port=5061/>