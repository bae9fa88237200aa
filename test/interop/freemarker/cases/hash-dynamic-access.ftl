<#assign k = "alpha">${h[k]} ${h["zet" + "a"]} ${h.alpha}
