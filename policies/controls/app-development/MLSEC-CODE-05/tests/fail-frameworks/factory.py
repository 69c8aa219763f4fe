from flask import Flask


def create_app() -> Flask:
    app = Flask(__name__)
    # ruleid: flask-debug-mode
    app.config.update(SECRET_KEY_FILE="/run/secrets/key", DEBUG=True)
    return app
