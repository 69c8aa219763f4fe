from flask import Flask
from flask_cloudflared import run_with_cloudflared
from pyngrok import ngrok

app = Flask(__name__)
# ruleid: public-tunnel-without-auth
run_with_cloudflared(app)

# ruleid: public-tunnel-without-auth
public_url = ngrok.connect(7860, "http")
print("demo available at", public_url)
