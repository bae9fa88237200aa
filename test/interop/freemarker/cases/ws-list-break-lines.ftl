<#list 1..5 as i>
  <#if i == 3>
    <#break>
  </#if>
  n${i}
</#list>
