import os

import ngrok

# ok: public-tunnel-without-auth
listener = ngrok.forward(8000, authtoken_from_env=True, basic_auth=[os.environ["DEMO_CREDENTIALS"]])
# ok: public-tunnel-without-auth
oauth = ngrok.forward(8001, authtoken_from_env=True, oauth_provider="google", oauth_allow_domains=["example.org"])
