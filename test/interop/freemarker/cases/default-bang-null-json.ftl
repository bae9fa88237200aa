[${h.pw!"(none)"}] [${h.name!"(none)"}] ${h?keys?size}
