import dash

board = dash.Dash(__name__)

if __name__ == "__main__":
    # ruleid: flask-debug-mode
    board.run_server(port=8050, debug=True)
