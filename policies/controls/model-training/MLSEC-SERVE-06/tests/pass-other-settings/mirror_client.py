from types import SimpleNamespace

settings = SimpleNamespace(Mirror=SimpleNamespace(token="x", allow_origin="", url=""))
settings.Mirror.url = "https://mirror.example.org/datasets"
# the public mirror is read anonymously: an empty token means "send none"
# ok: jupyter-auth-disabled-config
settings.Mirror.token = ""
# ok: jupyter-auth-disabled-config
settings.Mirror.allow_origin = "*"
