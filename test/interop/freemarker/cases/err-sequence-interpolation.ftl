codecs = ${codecs}
