<#list users as u>${u.ext}:${u.name}<#sep>; </#list>
