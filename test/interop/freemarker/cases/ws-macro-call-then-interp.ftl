<#macro m>M</#macro>
t
<@m/> ${"i"}
end
