xml: ${s?xml}
html: ${s?html}
url: ${s?url}
j: ${s?j_string}
js: ${s?js_string}
json: ${s?json_string}
