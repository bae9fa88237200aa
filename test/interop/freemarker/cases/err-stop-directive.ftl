before
<#stop "configuration incomplete">
after
