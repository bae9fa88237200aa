<#include "_lib/raw.txt" parse=false>
