"""Login through ID-porten and HelseID (OpenID Connect, Authlib) and the first login that links
an account to a person."""
