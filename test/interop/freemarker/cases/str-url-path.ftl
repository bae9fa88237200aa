${"a b/c d?e=f&g"?url} ${"a b/c d?e=f&g"?url_path} ${"ä"?url}
