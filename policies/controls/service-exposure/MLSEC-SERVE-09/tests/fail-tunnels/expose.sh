#!/bin/sh
python serve.py --port 8000 &
# ruleid: public-tunnel-command-without-auth
ngrok http 8000 --log stdout
# ruleid: public-tunnel-command-without-auth
cloudflared tunnel --no-autoupdate --url http://localhost:7860
