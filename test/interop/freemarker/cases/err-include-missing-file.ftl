<#include "_lib/does-not-exist.ftl">
