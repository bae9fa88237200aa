<#assign i = 1><#assign i++><#assign i++><#assign j = 10><#assign j-->${i} ${j} ${(-3.5)?abs}
