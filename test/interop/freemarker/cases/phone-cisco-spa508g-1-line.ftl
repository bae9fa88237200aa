<flat-profile>
<#import "_lib/transport.ftl" as tr>
<Profile_Rule>${provisioning.url}spa$PSN.cfg</Profile_Rule>
<Profile_Rule_B>${provisioning.url}$MA.xml</Profile_Rule_B>
<#list lines as l>
<Line_Enable_${l.index}_>Yes</Line_Enable_${l.index}_>
<Proxy_${l.index}_>${l.server}</Proxy_${l.index}_>
<SIP_Port_${l.index}_>${l.port?c}</SIP_Port_${l.index}_>
<SIP_Transport_${l.index}_>${tr.cisco(l.transport)}</SIP_Transport_${l.index}_>
<User_ID_${l.index}_>${l.username}</User_ID_${l.index}_>
<Password_${l.index}_>${l.password?xml}</Password_${l.index}_>
</#list>
</flat-profile>
