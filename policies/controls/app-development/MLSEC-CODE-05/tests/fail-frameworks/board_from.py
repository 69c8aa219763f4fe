from dash import Dash

board = Dash(__name__)
# ruleid: flask-debug-mode
board.run(debug=True)
