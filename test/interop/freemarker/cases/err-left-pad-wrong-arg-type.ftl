${"7"?left_pad("3")}
