${device?api.class.protectionDomain.codeSource.location}
