text
[#ftl]
