${r"C:\dir\${x}"}
