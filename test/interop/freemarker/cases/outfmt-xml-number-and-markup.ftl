<#ftl output_format="XML">
<p>${5060?c}</p><q>${"<a>"?esc}</q><r>${"<b/>"?no_esc}</r>
