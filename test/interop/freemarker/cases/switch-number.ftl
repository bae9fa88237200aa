<#switch 5060><#case 5060>sip<#break><#case 5061>sips</#switch>
