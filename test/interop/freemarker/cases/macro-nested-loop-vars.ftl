<#macro each xs><#list xs as x><#nested x, x?index></#list></#macro><@each ["a", "b"] ; v, i>${i}:${v} </@each>
