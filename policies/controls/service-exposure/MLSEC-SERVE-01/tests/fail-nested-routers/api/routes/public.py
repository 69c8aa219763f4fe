from fastapi import APIRouter

from api.routes.scoring import scoring

public = APIRouter(prefix="/public")
public.include_router(scoring)
