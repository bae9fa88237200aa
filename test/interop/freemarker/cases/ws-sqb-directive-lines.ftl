[#ftl]
a
[#if true]
b
[/#if]
[#list 1..2 as i]
  i=${i}
[/#list]
