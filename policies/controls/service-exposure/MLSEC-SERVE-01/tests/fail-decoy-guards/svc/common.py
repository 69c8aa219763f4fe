from fastapi import Depends

from .db import open_session

SHARED = [Depends(open_session)]
