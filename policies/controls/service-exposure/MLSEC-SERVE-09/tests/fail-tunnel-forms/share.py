import ngrok
import pycloudflared
from flask_cloudflared import _run_cloudflared, start_cloudflared
from pyngrok.ngrok import connect

# ruleid: public-tunnel-without-auth
tunnel = connect(7860)
# ruleid: public-tunnel-without-auth
session = ngrok.connect(8000, authtoken_from_env=True)
# ruleid: public-tunnel-without-auth
listener = ngrok.forward(8001, authtoken_from_env=True)
# ruleid: public-tunnel-without-auth
url = pycloudflared.try_cloudflare(port=7860)
# ruleid: public-tunnel-without-auth
start_cloudflared(port=5000)
# ruleid: public-tunnel-without-auth
_run_cloudflared(5000, 5001)
