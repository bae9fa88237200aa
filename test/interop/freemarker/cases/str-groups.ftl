<#assign m = "Yealink SIP-T46S 66.86.0.15"?matches("Yealink SIP-(\\S+) (\\d+)\\.(.*)")>${m?c} ${m?groups[1]} ${m?groups[2]} ${m?groups[3]} ${m?groups?size}
