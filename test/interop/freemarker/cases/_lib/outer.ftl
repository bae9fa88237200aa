outer start
<#include "inner.ftl">
outer end
