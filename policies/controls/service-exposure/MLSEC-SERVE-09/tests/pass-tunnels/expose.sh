#!/bin/sh
# ok: public-tunnel-command-without-auth
ngrok http 8000 --oauth google --oauth-allow-domain example.org
# a named tunnel, routed through Cloudflare Access
# ok: public-tunnel-command-without-auth
cloudflared tunnel run model-demo
