<#macro acct n user>account.${n}.user_name = ${user}
</#macro><#list ["201", "202"] as u><@acct n=u?counter user=u/></#list>