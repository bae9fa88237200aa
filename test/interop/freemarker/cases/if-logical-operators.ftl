<#if true && !false>a</#if><#if false || true>b</#if><#if !(1 == 2)>c</#if><#if (1 < 2) && (3 > 2)>d</#if>
