"""Use cases of accounts: add and disable people, sign in, browser sessions, API tokens.

Functions take the session they work in and the current time (so tests can move the clock);
they raise the workbench's access errors, never return error values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cyberdiplomacy.accounts import credentials
from cyberdiplomacy.errors import AccountExists, InvalidQuery, LoginThrottled, NotFound, NotSignedIn
from cyberdiplomacy.knowledge.access import Role, Viewer
from cyberdiplomacy.knowledge.models import Account, ApiToken, Organisation, WebSession

NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
MAX_FAILURES = 5  # consecutive failed sign-ins before an account is locked for a while
LOCKOUT = timedelta(minutes=5)


class AccountRecord(BaseModel):
    """An account as listed: never its password hash or tokens."""

    username: str
    organisation: str
    role: Role
    poc: bool
    disabled: bool
    created: datetime
    tokens: int


class TokenRecord(BaseModel):
    """A personal API token as listed: its prefix, never the token."""

    prefix: str
    name: str
    created: datetime
    last_used: datetime | None
    revoked: bool


@dataclass(frozen=True)
class WebLogin:
    """A new browser session: the cookie to set (shown once) and its CSRF token."""

    cookie: str
    csrf: str
    expires: datetime


def now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def viewer(account: Account) -> Viewer:
    """The viewer an account reads and writes as."""
    return Viewer(
        user_id=account.id,
        username=account.username,
        organisation_id=account.organisation_id,
        role=Role(account.role),
        poc=account.poc,
    )


def _check_name(kind: str, name: str) -> str:
    if not NAME.match(name):
        raise InvalidQuery(
            kind, f"{name!r}: 2-80 lower-case letters, digits, '.', '_' or '-', first a letter"
        )
    return name


def check_password(password: str) -> str:
    """Refuse passwords too short to resist guessing."""
    if len(password) < credentials.MIN_PASSWORD:
        raise InvalidQuery("password", f"must be at least {credentials.MIN_PASSWORD} characters")
    return password


def organisation(session: Session, slug: str, name: str | None = None) -> Organisation:
    """The organisation `slug`, created (named `name`, or the slug) when it does not exist."""
    found = session.scalar(select(Organisation).where(Organisation.slug == slug))
    if found is None:
        found = Organisation(slug=_check_name("organisation", slug), name=name or slug)
        session.add(found)
        session.flush()
    return found


def find(session: Session, username: str) -> Account:
    found = session.scalar(select(Account).where(Account.username == username))
    if found is None:
        raise NotFound("account", username)
    return found


def add_user(
    session: Session,
    username: str,
    *,
    organisation_slug: str,
    role: Role,
    password: str | None,
    poc: bool = False,
    moment: datetime | None = None,
) -> Account:
    """Create an account; without a password it can only use API tokens."""
    _check_name("username", username)
    if session.scalar(select(Account.id).where(Account.username == username)) is not None:
        raise AccountExists("account", username)
    account = Account(
        username=username,
        organisation=organisation(session, organisation_slug),
        role=role.value,
        poc=poc,
        password_hash=credentials.hash_password(check_password(password)) if password else None,
        disabled=False,
        created=moment or now(),
        failed_logins=0,
    )
    session.add(account)
    session.flush()
    return account


def set_password(session: Session, username: str, password: str) -> None:
    find(session, username).password_hash = credentials.hash_password(check_password(password))


def list_users(session: Session) -> list[AccountRecord]:
    tokens = dict(
        session.execute(
            select(ApiToken.account_id, func.count())
            .where(ApiToken.revoked.is_(False))
            .group_by(ApiToken.account_id)
        ).all()
    )
    return [
        AccountRecord(
            username=a.username,
            organisation=a.organisation.slug,
            role=Role(a.role),
            poc=a.poc,
            disabled=a.disabled,
            created=_aware(a.created),
            tokens=tokens.get(a.id, 0),
        )
        for a in session.scalars(select(Account).order_by(Account.username))
    ]


def set_disabled(session: Session, username: str, disabled: bool = True) -> None:
    """Disable (or enable) an account; disabling also ends its browser sessions."""
    account = find(session, username)
    account.disabled = disabled
    if disabled:
        for web in session.scalars(select(WebSession).where(WebSession.account_id == account.id)):
            session.delete(web)


def issue_token(session: Session, username: str, name: str, moment: datetime | None = None) -> str:
    """A new personal API token for `username`: returned once, stored as its digest."""
    account = find(session, username)
    if account.disabled:
        raise InvalidQuery("account", f"{username!r} is disabled")
    token = credentials.new_token()
    session.add(
        ApiToken(
            account_id=account.id,
            name=name,
            prefix=credentials.prefix(token),
            digest=credentials.digest(token),
            created=moment or now(),
            revoked=False,
        )
    )
    session.flush()
    return token


def list_tokens(session: Session, username: str) -> list[TokenRecord]:
    account = find(session, username)
    return [
        TokenRecord(
            prefix=t.prefix,
            name=t.name,
            created=_aware(t.created),
            last_used=_aware(t.last_used) if t.last_used else None,
            revoked=t.revoked,
        )
        for t in session.scalars(
            select(ApiToken).where(ApiToken.account_id == account.id).order_by(ApiToken.id)
        )
    ]


def revoke_token(session: Session, username: str, prefix: str) -> int:
    """Revoke the tokens of `username` whose prefix is `prefix`; how many were revoked."""
    account = find(session, username)
    found = session.scalars(
        select(ApiToken).where(
            ApiToken.account_id == account.id,
            ApiToken.prefix == prefix,
            ApiToken.revoked.is_(False),
        )
    ).all()
    if not found:
        raise NotFound("token", prefix)
    for token in found:
        token.revoked = True
    return len(found)


def sign_in(session: Session, username: str, password: str, moment: datetime) -> Account:
    """The account whose name and password these are; a wrong pair counts towards a lockout."""
    account = session.scalar(select(Account).where(Account.username == username))
    if account is not None and account.locked_until is not None:
        remaining = (_aware(account.locked_until) - moment).total_seconds()
        if remaining > 0:
            raise LoginThrottled(int(remaining) + 1)
    matches = credentials.password_matches(account.password_hash if account else None, password)
    if account is None or not matches or account.disabled:
        if account is not None and not matches:
            account.failed_logins += 1
            if account.failed_logins >= MAX_FAILURES:
                account.locked_until = moment + LOCKOUT
                account.failed_logins = 0
        raise NotSignedIn("Wrong user name or password, or the account is disabled.")
    account.failed_logins = 0
    account.locked_until = None
    return account


def open_web_session(
    session: Session, account: Account, moment: datetime, lifetime: timedelta
) -> WebLogin:
    """Start a browser session: only the cookie's digest is stored."""
    cookie, csrf = credentials.new_secret(), credentials.new_secret()
    expires = moment + lifetime
    session.add(
        WebSession(
            account_id=account.id,
            digest=credentials.digest(cookie),
            csrf=csrf,
            created=moment,
            expires=expires,
        )
    )
    # Expired sessions of anyone are cleared when someone signs in: the table stays small.
    for old in session.scalars(select(WebSession).where(WebSession.expires < moment)):
        session.delete(old)
    session.flush()
    return WebLogin(cookie, csrf, expires)


def web_viewer(session: Session, cookie: str, moment: datetime) -> tuple[Viewer, str] | None:
    """The viewer and CSRF token of a live browser session, or None for an unknown cookie."""
    web = session.scalar(select(WebSession).where(WebSession.digest == credentials.digest(cookie)))
    if web is None or _aware(web.expires) <= moment or web.account.disabled:
        return None
    return viewer(web.account), web.csrf


def close_web_session(session: Session, cookie: str) -> None:
    """Sign out: the cookie no longer opens anything."""
    web = session.scalar(select(WebSession).where(WebSession.digest == credentials.digest(cookie)))
    if web is not None:
        session.delete(web)


def token_viewer(session: Session, token: str, moment: datetime) -> Viewer | None:
    """The viewer a personal API token stands for, or None if it is unknown or revoked."""
    found = session.scalar(select(ApiToken).where(ApiToken.digest == credentials.digest(token)))
    if found is None or found.revoked or found.account.disabled:
        return None
    found.last_used = moment
    return viewer(found.account)
