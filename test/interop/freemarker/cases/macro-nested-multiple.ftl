<#macro twice><#nested>|<#nested></#macro><@twice>n</@twice>
