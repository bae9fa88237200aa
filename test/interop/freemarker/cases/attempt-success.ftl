<#attempt>all ${ok}<#recover>not used</#attempt>
