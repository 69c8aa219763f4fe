import os

import ngrok

OPTIONS = {"authtoken_from_env": True, "basic_auth": [os.environ["DEMO_CREDENTIALS"]]}

# ok: public-tunnel-without-auth
a = ngrok.connect(8000, auth=os.environ["DEMO_CREDENTIALS"])
# ok: public-tunnel-without-auth
b = ngrok.forward(8001, authtoken_from_env=True, oidc_provider="https://login.example.org")
# ok: public-tunnel-without-auth
c = ngrok.forward(8002, authtoken_from_env=True, traffic_policy=open("policy.yml").read())
# ok: public-tunnel-without-auth
d = ngrok.forward(8003, authtoken_from_env=True, policy=open("policy.json").read())
# ok: public-tunnel-without-auth
e = ngrok.forward(8004, **OPTIONS)
