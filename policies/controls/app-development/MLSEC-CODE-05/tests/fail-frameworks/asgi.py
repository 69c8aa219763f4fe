from starlette.applications import Starlette

# ruleid: asgi-debug-mode
app = Starlette(debug=True, routes=[])
