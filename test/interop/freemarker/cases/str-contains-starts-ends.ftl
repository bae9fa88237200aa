${"pbx.example.net"?contains("example")?c} ${"sip:201@pbx"?starts_with("sip:")?c} ${"cfg.xml"?ends_with(".xml")?c} ${"abc"?contains("")?c}
