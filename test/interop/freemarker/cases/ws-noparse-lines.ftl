<#noparse>
<#if>not parsed</#if> ${x}
</#noparse>
done
