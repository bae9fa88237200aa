[${([]?first)!"none"}] ${[]?size} ${[]?has_content?c} ${xs?has_content?c}
