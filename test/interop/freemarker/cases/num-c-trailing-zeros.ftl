${price?c} ${whole?c} ${exp?c} ${small?c} ${price} ${(1/8)?c}
