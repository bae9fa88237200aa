<#macro m flag>
  before
  <#if flag>
    <#return>
  </#if>
  after
</#macro>
<@m true/>
<@m false/>
