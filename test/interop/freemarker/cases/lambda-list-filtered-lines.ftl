<#list lines?filter(l -> l.transport == "tls") as l>${l.ext}<#sep>,</#list>
