<#macro m>[m]</#macro>
line1
    <@m/>
line2
