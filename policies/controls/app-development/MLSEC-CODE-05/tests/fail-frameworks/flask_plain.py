import flask

app = flask.Flask(__name__)
# ruleid: flask-debug-mode
app.debug = True
