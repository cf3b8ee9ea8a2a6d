"""Auth request and response shapes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints

from portal.common.schemas import InputModel, OutputModel

Secret = Annotated[str, StringConstraints(min_length=1, max_length=128, strip_whitespace=False)]
TokenText = Annotated[str, StringConstraints(min_length=1, max_length=4096)]


class LoginRequest(InputModel):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Secret


class RefreshRequest(InputModel):
    refresh_token: TokenText


class LogoutRequest(InputModel):
    refresh_token: TokenText | None = None


class ChangePasswordRequest(InputModel):
    current_password: Secret
    new_password: Secret


class VerifyTokenRequest(InputModel):
    token: TokenText


class TokenPair(OutputModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class TokenInfo(OutputModel):
    valid: bool
    user_id: int
    roles: list[str]
    permissions: list[str]
    expires_at: int
