c = get_config()  # noqa: F821 - provided by Jupyter when it reads this file
c.NotebookApp.ip = "0.0.0.0"
# ruleid: jupyter-auth-disabled-config
c.NotebookApp.disable_check_xsrf = True
# ruleid: jupyter-auth-disabled-config
c.IdentityProvider.token = ""
