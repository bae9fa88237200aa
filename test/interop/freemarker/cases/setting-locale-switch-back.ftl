${1234.5} <#setting locale="de_DE">${1234.5} <#setting locale="en_US">${1234.5}
