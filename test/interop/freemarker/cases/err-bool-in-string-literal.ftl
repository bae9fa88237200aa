${"enabled=${flag}"}
