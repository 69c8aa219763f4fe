from fastapi import Depends, HTTPException, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

scheme = HTTPBearer(auto_error=False)


def who_is_calling(credentials: HTTPAuthorizationCredentials | None = Security(scheme)) -> str:
    if credentials is None:
        raise HTTPException(status_code=401)
    return credentials.credentials


ROUTE_GUARDS = (Depends(who_is_calling),)
