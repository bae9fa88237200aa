<@line n=1/>
