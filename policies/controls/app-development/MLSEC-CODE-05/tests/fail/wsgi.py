from werkzeug.debug import DebuggedApplication

from app import app

# ruleid: werkzeug-debugger
application = DebuggedApplication(app, evalex=True)
