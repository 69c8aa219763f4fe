from werkzeug.debug import DebuggedApplication

from app import app

# tracebacks in the browser, but no console
# ok: werkzeug-debugger
application = DebuggedApplication(app)
