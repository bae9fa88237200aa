<#import "_lib/nope.ftl" as nope>
