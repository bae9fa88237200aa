${""?has_content?c} ${"x"?has_content?c} ${(missing?has_content)?c} ${(blank?has_content)?c}
