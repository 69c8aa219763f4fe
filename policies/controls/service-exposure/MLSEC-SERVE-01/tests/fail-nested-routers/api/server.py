from fastapi import Depends, FastAPI

from api.auth import admin_token
from api.routes.admin import admin
from api.routes.public import public

app = FastAPI()
# only the admin routes are behind the token; the public tree (and the scoring router it
# mounts) is not
app.include_router(admin, dependencies=[Depends(admin_token)])
app.include_router(public)
