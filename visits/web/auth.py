"""Who may use the app: coordinators change and publish, viewers look.

On loopback (the default) the one local user is a coordinator and no
login is asked. On any other address a users file is required: YAML
``users: [{name, role, password}]`` with ``password`` a PBKDF2 hash from
`visits password`. Every form carries the session's CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scheduler.documents import problems_from, read_document
from scheduler.errors import InputError, Problem

if TYPE_CHECKING:
    from pathlib import Path

Role = Literal["coordinator", "viewer"]
ITERATIONS = 240_000


class User(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(min_length=1, max_length=64)
    role: Role
    password: str = Field(
        pattern=r"^pbkdf2_sha256\$\d+\$[0-9a-f]+\$[0-9a-f]+$"
    )


class UsersFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    users: list[User] = Field(min_length=1)


def hash_password(password: str, *, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), bytes.fromhex(salt), ITERATIONS
    )
    return f"pbkdf2_sha256${ITERATIONS}${salt}${digest.hex()}"


def verify(password: str, stored: str) -> bool:
    _, rounds, salt, digest = stored.split("$")
    again = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), bytes.fromhex(salt), int(rounds)
    )
    return hmac.compare_digest(again.hex(), digest)


def load_users(path: Path) -> dict[str, User]:
    data = read_document(path)
    try:
        users = UsersFile.model_validate(data).users
    except ValidationError as exc:
        raise InputError(problems_from(exc, str(path), "")) from None
    return {u.name: u for u in users}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Access:
    """The app's rule for who is who."""

    users: dict[str, User] | None
    """None: loopback without a users file — the local coordinator."""

    @classmethod
    def for_host(cls, host: str, users_file: Path | None) -> Access:
        if users_file is not None:
            return cls(load_users(users_file))
        if not is_loopback(host):
            raise InputError(
                [
                    Problem(
                        "--host",
                        "",
                        f"{host} is reachable from other machines, so the app "
                        "needs a login: give --users FILE (names, roles and "
                        "password hashes from `visits password`)",
                    )
                ]
            )
        return cls(None)

    def login(self, name: str, password: str) -> User | None:
        if self.users is None:
            return None
        user = self.users.get(name)
        if user is None:
            verify(password, hash_password("x", salt="00"))  # same time
            return None
        return user if verify(password, user.password) else None
