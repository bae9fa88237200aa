<#macro row k v>
${k} = ${v}
</#macro>
start
<@row "a" "1"/>
<@row "b" "2"/>
end
