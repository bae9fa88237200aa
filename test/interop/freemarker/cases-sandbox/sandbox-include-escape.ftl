<#include "../../../../etc/hostname">
