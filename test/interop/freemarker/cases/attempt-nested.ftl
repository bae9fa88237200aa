<#attempt>a<#attempt>b${m1}<#recover>B</#attempt>c${m2}<#recover>A</#attempt>
