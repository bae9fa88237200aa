${"sip Phone"?upper_case} ${"SIP Phone"?lower_case} ${"reception desk"?cap_first} ${"Reception"?uncap_first} ${"reception desk two"?capitalize}
