from quart import Quart

service = Quart(__name__)
# ruleid: flask-debug-mode
service.config["DEBUG"] = True
