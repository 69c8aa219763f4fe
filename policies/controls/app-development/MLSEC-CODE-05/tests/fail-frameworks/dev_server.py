from werkzeug.serving import run_simple

from factory import create_app

if __name__ == "__main__":
    # ruleid: werkzeug-debugger
    run_simple("0.0.0.0", 5000, create_app(), use_debugger=True)
