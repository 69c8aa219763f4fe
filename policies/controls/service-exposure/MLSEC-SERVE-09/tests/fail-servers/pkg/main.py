import typer
import uvicorn
from fastapi import FastAPI

from .routers import gen

app = FastAPI()
app.include_router(gen.router)
cli = typer.Typer()


@cli.command()
def serve(host: str = typer.Option("::", help="address to bind"), port: int = 9000) -> None:
    uvicorn.run(app, host=host, port=port)
