<#include "/etc/hostname">
