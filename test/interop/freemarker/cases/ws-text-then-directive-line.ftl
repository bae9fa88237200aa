key = <#if true>1</#if>
next = 2
