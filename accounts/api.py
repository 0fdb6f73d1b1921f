"""Personal API tokens: make one for yourself (shown once), list yours, revoke one."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from core.api import Id, get_visible, responses
from accounts.models import ApiToken
from accounts.tokens import api_token_create, api_token_revoke

router = Router(tags=["tokens"])


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100, description="what the token is for")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(..., description="shown only now: store it safely")


@router.get("/tokens", response=responses({200: list[TokenOut]}))
def list_tokens(request: HttpRequest):
    return ApiToken.objects.filter(user=request.auth)


@router.post("/tokens", response=responses({201: NewTokenOut}))
def create_token(request: HttpRequest, payload: TokenIn):
    row, token = api_token_create(actor=request.auth, name=payload.name)
    return Status(201, {**TokenOut.from_orm(row).dict(), "token": token})


@router.post("/tokens/{token_id}/revoke", response=responses({200: TokenOut}))
def revoke_token(request: HttpRequest, token_id: Id):
    token = get_visible(ApiToken.objects.filter(user=request.auth), token_id)
    return api_token_revoke(actor=request.auth, token=token)
