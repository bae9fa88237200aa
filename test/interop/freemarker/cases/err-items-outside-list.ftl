<#items as x>${x}</#items>
