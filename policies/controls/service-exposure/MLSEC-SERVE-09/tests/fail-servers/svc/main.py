import uvicorn

from .options import parse


def main() -> None:
    args = parse()
    settings = {"host": args.host, "port": args.port, "log_level": "info"}
    uvicorn.run("svc.api:app", **settings)
