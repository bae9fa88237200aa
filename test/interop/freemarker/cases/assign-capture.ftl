<#assign block>
line ${1 + 1}
</#assign>[${block}]
