<#assign host = "pbx.example.net">
<#assign port = 5060>

host=${host}:${port?c}
