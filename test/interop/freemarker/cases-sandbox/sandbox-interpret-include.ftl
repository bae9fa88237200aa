<#assign t = "<#include \"/etc/hostname\">"?interpret><@t/>
