<#assign grid = [[1, 2], [3, 4]]>${grid[1][0]} ${grid?size} ${grid[0]?join("+")}
