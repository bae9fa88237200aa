<#list people?sort_by("name") as p>${p.name}:${p.ext} </#list>
<#list people?sort_by("ext")?reverse as p>${p.ext} </#list>
<#list people?sort_by(["addr", "city"]) as p>${p.addr.city} </#list>
