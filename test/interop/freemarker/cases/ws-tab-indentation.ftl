	<#if true>
		tabbed
	</#if>
