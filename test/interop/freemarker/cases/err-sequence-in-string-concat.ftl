${"codecs: " + codecs}
