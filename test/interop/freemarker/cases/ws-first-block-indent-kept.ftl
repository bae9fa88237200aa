#!version:1.0.0.1
  <#if true>
account.1.enable = 1
  </#if>
done
