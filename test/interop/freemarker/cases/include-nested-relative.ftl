<#include "_lib/outer.ftl">
