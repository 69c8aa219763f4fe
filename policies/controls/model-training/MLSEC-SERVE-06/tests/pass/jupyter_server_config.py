import os

c = get_config()  # noqa: F821
c.ServerApp.ip = "127.0.0.1"
# ok: jupyter-auth-disabled-config
c.IdentityProvider.token = os.environ["JUPYTER_TOKEN"]
# ok: jupyter-auth-disabled-config
c.ServerApp.allow_origin = "https://hub.example.org"
