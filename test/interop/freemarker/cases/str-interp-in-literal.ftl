${"user ${u} on ${h}:${p?c}"}
