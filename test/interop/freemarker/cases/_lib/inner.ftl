inner (resolved relative to _lib/)
