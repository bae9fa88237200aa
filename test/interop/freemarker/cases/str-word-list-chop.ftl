<#list "  one two\tthree "?word_list as w>[${w}]</#list> [${"line\r\n"?chop_linebreak}]
