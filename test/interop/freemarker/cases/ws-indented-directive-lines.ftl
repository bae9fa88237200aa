begin
    <#if true>
        indented body
    </#if>
end
