${big?c} ${big} ${neg?c} ${exp?c} ${frac?c} ${(frac * 3)?c} ${int?c} ${(int / 8)?c}
