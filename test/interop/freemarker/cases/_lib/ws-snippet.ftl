snippet line
