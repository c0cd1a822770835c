"""Sandbox seller accounts: each has an access token, a public key, an application's webhook secret and a user id.

Mercado Pago's test credentials start with TEST-; a test user's production credentials start with APP_USR- like real
ones, and /users/me tags such an account `test_user`. Both kinds exist here; `live=True` makes a real-looking one.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field


@dataclass
class Account:
    user_id: int
    nickname: str
    access_token: str
    public_key: str
    webhook_secret: str
    test_user: bool = True
    email: str = ""

    def me(self) -> dict:
        """GET /users/me, trimmed to the fields integrations read."""
        return {
            "id": self.user_id,
            "nickname": self.nickname,
            "first_name": "Test" if self.test_user else "Vendedor",
            "last_name": "User" if self.test_user else "Real",
            "email": self.email or f"{self.nickname.lower()}@testuser.com",
            "site_id": "MLA",
            "country_id": "AR",
            "user_type": "normal",
            "tags": ["test_user", "normal"] if self.test_user else ["normal"],
            "status": {"site_status": "active"},
        }


# The demo seller the local stack connects its demo tenant to: fixed, so a restarted stack keeps working.
DEMO = {
    "user_id": 1402856125,
    "nickname": "TESTUSER1402856125",
    "access_token": "TEST-4921330475512345-120114-5c2a1e83b8f04fa3a2b1c0d9e8f7a6b5-1402856125",
    "public_key": "TEST-8b1f3c5e-2d4a-4e6f-9a0b-1c2d3e4f5a6b",
    "webhook_secret": "8f2c1d7e6b5a49384756a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a",
}


@dataclass
class Accounts:
    _by_token: dict[str, Account] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _next_user: int = 1402856200

    def reset(self) -> None:
        with self._lock:
            self._by_token.clear()
        self.add(Account(**DEMO))

    def add(self, account: Account) -> Account:
        with self._lock:
            self._by_token[account.access_token] = account
        return account

    def create(self, *, live: bool = False, nickname: str | None = None) -> Account:
        with self._lock:
            self._next_user += 1
            user_id = self._next_user
        prefix = "APP_USR" if live else "TEST"
        token = f"{prefix}-{secrets.randbelow(10**16):016d}-120114-{secrets.token_hex(16)}-{user_id}"
        return self.add(
            Account(
                user_id=user_id,
                nickname=nickname or (f"VENDEDOR{user_id}" if live else f"TESTUSER{user_id}"),
                access_token=token,
                public_key=f"{prefix}-{secrets.token_hex(4)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}-"
                f"{secrets.token_hex(2)}-{secrets.token_hex(6)}",
                webhook_secret=secrets.token_hex(32),
                test_user=not live,
            )
        )

    def by_token(self, token: str) -> Account | None:
        with self._lock:
            return self._by_token.get(token)

    def by_user(self, user_id: int) -> Account | None:
        with self._lock:
            return next((a for a in self._by_token.values() if a.user_id == user_id), None)

    def all(self) -> list[Account]:
        with self._lock:
            return list(self._by_token.values())
