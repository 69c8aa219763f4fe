c = get_config()  # noqa: F821
c.ServerApp.ip = "0.0.0.0"
# ruleid: jupyter-auth-disabled-config
c.ServerApp.token = ""
# ruleid: jupyter-auth-disabled-config
c.ServerApp.allow_origin = "*"
