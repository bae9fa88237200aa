<#macro acct n>
    account.${n}.enable = 1
    account.${n}.label = L${n}
</#macro>
<#list 1..2 as i>
    <@acct n=i/>
</#list>
