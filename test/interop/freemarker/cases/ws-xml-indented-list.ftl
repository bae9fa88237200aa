<?xml version="1.0" encoding="UTF-8"?>
<accounts>
  <#list xs as x>
  <account id="${x?index + 1}">
    <name>${x}</name>
  </account>
  </#list>
</accounts>
