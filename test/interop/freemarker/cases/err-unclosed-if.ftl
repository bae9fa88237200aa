<#if true>
no end
