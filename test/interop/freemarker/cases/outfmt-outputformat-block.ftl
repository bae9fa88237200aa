${s} <#outputformat "XML">${s}</#outputformat> <#outputformat "HTML">${s}</#outputformat>
