<#if present??>p</#if><#if absent??>a</#if><#if empty?has_content>e<#else>E</#if><#if (a.b)??>ab</#if>
