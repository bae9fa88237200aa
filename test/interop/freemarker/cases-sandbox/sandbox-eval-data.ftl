${cfg.expr?eval}
