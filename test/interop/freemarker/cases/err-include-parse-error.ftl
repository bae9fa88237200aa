<#include "_lib/broken.ftl">
