${5060} <#setting number_format="computer">${5060} <#setting number_format="#,##0.00">${5060}
