${true?c} ${false?c} ${flag?string("on", "off")} ${flag?string} ${(!flag)?string("on", "off")}
