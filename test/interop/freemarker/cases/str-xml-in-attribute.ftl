<line name="${name?xml}" label='${label?xml}'/>
