<#ftl output_format="XML">${"<a>"?xml}
