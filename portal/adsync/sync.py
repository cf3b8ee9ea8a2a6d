"""One sync run: read the directory and apply it to users, departments and roles.

The directory is read page by page (1,000 entries); each page is applied in one transaction together with
the run's progress in `ad_sync_logs`, so a run that dies half way (connection dropped, worker killed)
resumes from its log row: pages already applied are applied again idempotently but not counted twice,
and nothing is ever half-written. Users are keyed by objectGUID, departments by the OU's objectGUID, so
renames and moves in AD update rows instead of creating new ones.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from ldap3 import Connection
from sqlalchemy import Table, Text, any_, bindparam, delete, insert, literal, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from portal.adsync import directory as ad
from portal.adsync.crypto import DecryptionFailed, decrypt
from portal.adsync.mapping import EntryError, UserRecord, attributes_for, normalize_dn, parent_dn, to_record
from portal.adsync.models import ADSyncConfig, ADSyncLog
from portal.adsync.schemas import DEFAULT_MAPPING, OUMapping
from portal.approval.documents import OPEN
from portal.approval.models import ApprovalDocument, ApprovalLine
from portal.auth.models import Role, UserRole
from portal.db.session import SessionFactory
from portal.notify.models import Notification
from portal.org.models import Department
from portal.users.models import AuthSource, User

log = logging.getLogger(__name__)

USERS = cast(Table, User.__table__)
MAX_ERROR_DETAILS = 200
PENDING_LINE = "pending"
DEFAULT_ROLE = "user"

Heartbeat = Callable[[dict[str, Any]], None]


class ConfigProblem(Exception):
    """The sync cannot run with the stored configuration; retrying will not help."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def directory_settings(config: ADSyncConfig, key: bytes, timeout: float = 10.0) -> ad.DirectorySettings:
    if config.bind_password is None:
        raise ConfigProblem("AD_NO_PASSWORD", "no bind password is stored")
    try:
        password = decrypt(key, config.bind_password)
    except DecryptionFailed as exc:
        raise ConfigProblem("AD_PASSWORD_UNREADABLE", str(exc)) from exc
    host, port, ldaps = ad.parse_server_url(config.server_url, config.port, config.use_ldaps)
    return ad.DirectorySettings(
        host=host, port=port, use_ldaps=ldaps, use_starttls=config.use_starttls and not ldaps,
        bind_dn=config.bind_dn, bind_password=password, base_dns=tuple(config.base_dns),
        user_filter=config.user_filter, ca_certificate=config.ca_certificate,
        tls_server_name=config.tls_server_name, timeout=timeout)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0
    errors: int = 0
    processed: int = 0

    def add(self, other: Counts) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_columns(self) -> dict[str, int]:
        return {"created_count": self.created, "updated_count": self.updated,
                "deactivated_count": self.deactivated, "unchanged_count": self.unchanged,
                "error_count": self.errors, "synced_count": self.processed}

    @classmethod
    def from_log(cls, row: ADSyncLog) -> Counts:
        return cls(created=row.created_count, updated=row.updated_count, deactivated=row.deactivated_count,
                   unchanged=row.unchanged_count, errors=row.error_count, processed=row.synced_count)


@dataclass
class SyncOutcome:
    counts: Counts
    changed_user_ids: set[int] = field(default_factory=set)
    deactivated_user_ids: set[int] = field(default_factory=set)
    flagged_documents: list[int] = field(default_factory=list)
    mode: str = "full"


@dataclass
class _Run:
    log_id: int
    mode: str  # "full" or "incremental"
    since_usn: int | None
    mapping: dict[str, str]
    ous: OUMapping
    groups: dict[str, str]
    settings: ad.DirectorySettings
    counts: Counts
    pages_done: int
    errors: list[dict[str, Any]]
    departments: dict[str, int] = field(default_factory=dict)  # normalized OU DN -> department id
    seen: set[str] = field(default_factory=set)
    managers: dict[str, str] = field(default_factory=dict)  # user guid -> manager DN
    by_dn: dict[str, int] | None = None  # normalized DN -> user id of every AD account, once users are applied
    outcome: SyncOutcome = field(default_factory=lambda: SyncOutcome(Counts()))


T = TypeVar("T")


async def _in_thread(fn: Callable[..., T], *args: Any) -> T:
    return await asyncio.to_thread(fn, *args)


def _next_page(pages: Iterator[list[ad.Entry]]) -> list[ad.Entry] | None:
    return next(pages, None)


class Syncer:
    """Runs one logged sync; the Temporal activity is a thin wrapper around `run`."""

    def __init__(self, sessions: SessionFactory, key: bytes, *, heartbeat: Heartbeat | None = None,
                 timeout: float = 10.0, page_size: int = ad.PAGE_SIZE) -> None:
        self.sessions = sessions
        self.page_size = page_size
        self.key = key
        self.heartbeat = heartbeat or (lambda details: None)
        self.timeout = timeout

    # --- entry point ----------------------------------------------------------------------------------

    async def run(self, log_id: int) -> SyncOutcome:
        run = await self._load(log_id)
        conn = await _in_thread(ad.open_connection, run.settings)
        try:
            await self._capture_usn(run, conn)
            await self._sync_departments(run, conn)
            await self._sync_users(run, conn)
            await self._apply_managers(run)
            await self._apply_deletions(run, conn)
            await self._sync_groups(run, conn)
            await self._flag_documents(run)
        finally:
            await _in_thread(conn.unbind)
        run.outcome.counts = run.counts
        run.outcome.mode = run.mode
        return run.outcome

    async def _load(self, log_id: int) -> _Run:
        async with self.sessions() as session:
            row = await session.get(ADSyncLog, log_id)
            config = (await session.execute(select(ADSyncConfig).order_by(ADSyncConfig.id).limit(1))).scalar()
            if row is None:
                raise ConfigProblem("AD_NO_RUN", f"sync run {log_id} does not exist")
            if config is None:
                raise ConfigProblem("AD_NOT_CONFIGURED", "AD sync is not configured")
            settings = directory_settings(config, self.key, self.timeout)
            mode = row.mode
            since = config.highest_committed_usn if mode == "incremental" else None
            if mode == "incremental" and since is None:
                mode = "full"  # nothing to be incremental from yet
            progress = dict(row.progress or {})
            return _Run(
                log_id=log_id, mode=mode, since_usn=since,
                mapping={**DEFAULT_MAPPING, **(config.attribute_mapping or {})},
                ous=OUMapping.model_validate(config.ou_mapping or {}),
                groups=dict(config.group_mapping or {}), settings=settings,
                counts=Counts.from_log(row), pages_done=int(progress.get("pages_done", 0)),
                errors=list(row.error_details or []))

    async def _capture_usn(self, run: _Run, conn: Connection) -> None:
        """Read the USN before the first search: anything changed after it is picked up next time."""
        async with self.sessions() as session:
            row = await session.get(ADSyncLog, run.log_id)
            assert row is not None
            if row.highest_usn is None:
                row.highest_usn = await _in_thread(ad.highest_committed_usn, conn)
            row.mode = run.mode
            await session.commit()

    # --- departments ------------------------------------------------------------------------------------

    async def _sync_departments(self, run: _Run, conn: Connection) -> None:
        """Mirror the OU tree (all OUs, every run: there are few, and renames do not touch their users)."""
        ous: list[tuple[str, str, str]] = []  # guid, dn, name
        for base in run.settings.base_dns:
            pages = ad.paged_search(conn, base, "(objectClass=organizationalUnit)", ["objectGUID", "ou", "name"])
            while (page := await _in_thread(_next_page, pages)) is not None:
                for entry in page:
                    guid = entry.guid()
                    name = entry.text("ou") or entry.text("name")
                    if guid and name:
                        ous.append((guid, entry.dn, name[:100]))
        ous.sort(key=lambda item: item[1].count(","))  # parents before children
        rules = {normalize_dn(dn): code for dn, code in run.ous.rules.items()}
        async with self.sessions() as session:
            codes = dict((await session.execute(
                select(Department.code, Department.id).where(Department.code.in_(list(rules.values())))
            )).all()) if rules else {}
            existing = {guid: (dept_id, name, parent, active) for guid, dept_id, name, parent, active in (
                await session.execute(select(Department.ad_object_guid, Department.id, Department.name,
                                             Department.parent_id, Department.is_active)
                                      .where(Department.ad_object_guid.is_not(None)))).all()}
            for guid, dn, name in ous:
                key = normalize_dn(dn)
                pinned = rules.get(key)
                if pinned is not None:
                    if pinned in codes:
                        run.departments[key] = codes[pinned]
                    else:
                        self._error(run, dn, "AD_UNKNOWN_DEPARTMENT", f"the OU is mapped to unknown code {pinned!r}")
                    continue
                if not run.ous.mirror_tree:
                    continue
                parent_key = normalize_dn(parent_dn(dn) or "")
                parent_id = run.departments.get(parent_key)
                if guid in existing:
                    dept_id, old_name, old_parent, active = existing[guid]
                    if (old_name, old_parent, active) != (name, parent_id, True):
                        await session.execute(update(Department).where(Department.id == dept_id).values(
                            name=name, parent_id=parent_id, is_active=True, ad_ou=dn[:500]))
                else:
                    dept_id = (await session.execute(insert(Department).values(
                        name=name, parent_id=parent_id, ad_ou=dn[:500], ad_object_guid=guid, is_active=True,
                    ).returning(Department.id))).scalar_one()
                run.departments[key] = dept_id
            gone = set(existing) - {guid for guid, _, _ in ous}
            if gone and ous:
                await session.execute(update(Department).where(Department.ad_object_guid.in_(gone))
                                      .values(is_active=False))
            await session.commit()

    # --- users --------------------------------------------------------------------------------------------

    def _user_filter(self, run: _Run) -> str:
        if run.mode == "incremental" and run.since_usn is not None:
            return f"(&{run.settings.user_filter}(uSNChanged>={run.since_usn + 1}))"
        return run.settings.user_filter

    async def _sync_users(self, run: _Run, conn: Connection) -> None:
        """Read page n+1 from the directory (in a thread) while page n is written to PostgreSQL."""
        attributes = attributes_for(run.mapping)
        page_index = 0
        for base in run.settings.base_dns:
            pages = ad.paged_search(conn, base, self._user_filter(run), attributes, page_size=self.page_size)
            ahead: asyncio.Future[list[ad.Entry] | None] = asyncio.ensure_future(_in_thread(_next_page, pages))
            try:
                while (page := await ahead) is not None:
                    ahead = asyncio.ensure_future(_in_thread(_next_page, pages))
                    replay = page_index < run.pages_done
                    await self._apply_page(run, page, page_index, count=not replay)
                    page_index += 1
                    self.heartbeat({"phase": "users", "pages_done": page_index,
                                    "processed": run.counts.processed})
            finally:
                if not ahead.done():  # a failed write: let the read in flight finish before the connection closes
                    await asyncio.gather(ahead, return_exceptions=True)

    async def _apply_page(self, run: _Run, page: list[ad.Entry], index: int, *, count: bool) -> None:
        records: list[UserRecord] = []
        counts = Counts()
        errors: list[dict[str, Any]] = []
        for entry in page:
            try:
                record = to_record(entry, run.mapping)
            except EntryError as exc:
                counts.errors += 1
                errors.append({"dn": entry.dn, "code": exc.code, "message": exc.message})
                continue
            run.seen.add(record.guid)
            if record.manager_dn:
                run.managers[record.guid] = record.manager_dn
            records.append(record)
        async with self.sessions() as session:
            try:
                page_counts, changed, deactivated = await self._upsert(session, run, records, errors)
            except IntegrityError:
                await session.rollback()
                page_counts, changed, deactivated = await self._upsert_one_by_one(session, run, records, errors)
            counts.add(page_counts)
            counts.errors = len(errors)
            counts.processed = len(page)
            if count:
                run.counts.add(counts)
                for item in errors:
                    self._remember_error(run, item)
            run.outcome.changed_user_ids |= changed
            run.outcome.deactivated_user_ids |= deactivated
            await self._save_progress(session, run, pages_done=max(run.pages_done, index + 1))
            await session.commit()
        run.pages_done = max(run.pages_done, index + 1)

    async def _upsert(self, session: AsyncSession, run: _Run, records: list[UserRecord],
                      errors: list[dict[str, Any]]) -> tuple[Counts, set[int], set[int]]:
        counts = Counts()
        changed: set[int] = set()
        deactivated: set[int] = set()
        if not records:
            return counts, changed, deactivated
        guids = [r.guid for r in records]
        cols = (User.id, User.ad_object_guid, User.username, User.name, User.name_en, User.email, User.phone,
                User.position, User.job_title, User.employee_number, User.department_id, User.ad_dn,
                User.is_active)
        existing = {row.ad_object_guid: row for row in (
            await session.execute(select(*cols).where(User.ad_object_guid == _any(guids)))).all()}
        # Unique fields held by someone else (a local account, or another AD object) make an entry an error.
        # Only new accounts and changed unique values can collide; an unchanged page needs no lookup.
        def may_collide(r: UserRecord) -> bool:
            cur = existing.get(r.guid)
            return cur is None or (cur.username, cur.email, cur.employee_number) != (
                r.username, r.fields.get("email"), r.fields.get("employee_number"))

        suspects = [r for r in records if may_collide(r)]
        taken = await self._taken(session, suspects) if suspects else {}
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        claimed: dict[tuple[str, str], str] = {}
        now = datetime.now(UTC)
        for record in records:
            current = existing.get(record.guid)
            owner_id = current.id if current is not None else None
            conflict = None
            for fname in ("username", "email", "employee_number"):
                value = record.username if fname == "username" else record.fields.get(fname)
                if value is None:
                    continue
                key = (fname, value.lower())
                holder = taken.get(key)
                if (holder is not None and holder != owner_id) or claimed.get(key, record.guid) != record.guid:
                    conflict = fname
                    break
                claimed[key] = record.guid
            if conflict is not None:
                code = "AD_DUPLICATE_USERNAME" if conflict == "username" else "AD_DUPLICATE_VALUE"
                shown = record.username if conflict == "username" else record.fields[conflict]
                errors.append({"dn": record.dn, "code": code,
                               "message": f"{conflict} {shown!r} already belongs to another account"})
                continue
            department_id = run.departments.get(normalize_dn(record.parent_dn or ""))
            values = {"username": record.username, **record.fields, "ad_dn": record.dn[:1000],
                      "department_id": department_id, "is_active": not record.disabled}
            if current is None:
                inserts.append({**values, "ad_object_guid": record.guid, "ad_username": record.username,
                                "ad_sync_date": now})
                counts.created += 1
                continue
            if department_id is None and current.department_id is not None and not run.departments:
                values["department_id"] = current.department_id  # OUs not mirrored: keep what admins set
            diff = {k: v for k, v in values.items() if getattr(current, k) != v}
            if not diff:
                counts.unchanged += 1
                continue
            if diff.get("is_active") is False:
                counts.deactivated += 1
                deactivated.add(current.id)
            else:
                counts.updated += 1
            changed.add(current.id)
            # A deactivation retires the access tokens; either change of state ends every session (refresh
            # tokens are checked against session_version), so a reactivated account starts from a new login.
            updates.append({"_id": current.id, **values, "ad_username": record.username, "ad_sync_date": now,
                            "_bump": 1 if "is_active" in diff and not values["is_active"] else 0,
                            "_sv": 1 if "is_active" in diff else 0})
        if inserts:
            ids = await _insert_users(session, inserts)
            changed.update(ids)
            role_id = (await session.execute(select(Role.id).where(Role.name == DEFAULT_ROLE))).scalar()
            if role_id is not None:
                await session.execute(text(
                    "INSERT INTO user_roles (user_id, role_id, source) "
                    "SELECT u, :role, 'default' FROM unnest(CAST(:ids AS bigint[])) AS u"),
                    {"role": role_id, "ids": ids})
        if updates:
            users = USERS
            names = [k for k in updates[0] if not k.startswith("_")]
            stmt = (update(users).where(users.c.id == bindparam("_id"))
                    .values(token_version=users.c.token_version + bindparam("_bump"),
                            session_version=users.c.session_version + bindparam("_sv"),
                            **{k: bindparam(f"v_{k}") for k in names}))
            await session.execute(stmt, [{"_id": u["_id"], "_bump": u["_bump"], "_sv": u["_sv"],
                                          **{f"v_{k}": u[k] for k in names}} for u in updates])
        return counts, changed, deactivated

    async def _upsert_one_by_one(self, session: AsyncSession, run: _Run, records: list[UserRecord],
                                 errors: list[dict[str, Any]]) -> tuple[Counts, set[int], set[int]]:
        """The batch hit a constraint (a concurrent admin edit): apply entry by entry, logging the losers."""
        counts = Counts()
        changed: set[int] = set()
        deactivated: set[int] = set()
        for record in records:
            try:
                async with session.begin_nested():
                    one, c, d = await self._upsert(session, run, [record], errors)
            except IntegrityError as exc:
                errors.append({"dn": record.dn, "code": "AD_CONSTRAINT",
                               "message": f"rejected by the database: {exc.orig.__class__.__name__}"})
                continue
            counts.add(one)
            changed |= c
            deactivated |= d
        return counts, changed, deactivated

    async def _taken(self, session: AsyncSession, records: list[UserRecord]) -> dict[tuple[str, str], int]:
        usernames = [r.username for r in records]
        emails = [e.lower() for e in (r.fields.get("email") for r in records) if e]
        numbers = [r.fields["employee_number"] for r in records if r.fields.get("employee_number")]
        taken: dict[tuple[str, str], int] = {}
        rows = await session.execute(select(User.id, User.username, User.email, User.employee_number).where(
            (User.username == _any(usernames)) | (User.email == _any(emails))
            | (User.employee_number == _any(numbers))))
        for user_id, username, email, number in rows:
            taken[("username", username.lower())] = user_id
            if email:
                taken[("email", email.lower())] = user_id
            if number:
                taken[("employee_number", number.lower())] = user_id
        return taken

    async def _users_by_dn(self, run: _Run) -> dict[str, int]:
        """Every AD account by DN (managers and group members are DNs); read once per run, after the users."""
        if run.by_dn is None:
            async with self.sessions() as session:
                run.by_dn = {normalize_dn(dn): uid for uid, dn in (await session.execute(
                    select(User.id, User.ad_dn).where(User.auth_source == AuthSource.ad))).all() if dn}
        return run.by_dn

    async def _apply_managers(self, run: _Run) -> None:
        if not run.managers:
            return
        by_dn = await self._users_by_dn(run)
        async with self.sessions() as session:
            by_guid = dict((await session.execute(select(User.ad_object_guid, User.id).where(
                User.ad_object_guid == _any(list(run.managers))))).all())
            rows = [{"_id": by_guid[guid], "manager_id": by_dn.get(normalize_dn(dn))}
                    for guid, dn in run.managers.items() if guid in by_guid]
            rows = [{"_id": r["_id"], "v_manager": r["manager_id"]} for r in rows if r["manager_id"] != r["_id"]]
            if rows:
                users = USERS
                await session.execute(
                    update(users).where(users.c.id == bindparam("_id"),
                                        users.c.manager_id.is_distinct_from(bindparam("v_manager")))
                    .values(manager_id=bindparam("v_manager")), rows)
            await session.commit()

    # --- deletions ---------------------------------------------------------------------------------------

    async def _apply_deletions(self, run: _Run, conn: Connection) -> None:
        gone: list[str] = []
        if run.mode == "full":
            async with self.sessions() as session:
                active = (await session.execute(select(User.ad_object_guid).where(
                    User.auth_source == AuthSource.ad, User.is_active.is_(True),
                    User.ad_object_guid.is_not(None)))).scalars().all()
            gone = [g for g in active if g is not None and g not in run.seen]
            if gone and not run.seen:
                self._error(run, run.settings.base_dns[0], "AD_EMPTY_DIRECTORY",
                            f"the directory returned no users; refusing to deactivate {len(gone)} accounts")
                return
        else:
            domains = {_domain_root(base) for base in run.settings.base_dns}
            deleted_filter = f"(&(isDeleted=TRUE)(objectClass=user)(uSNChanged>={(run.since_usn or 0) + 1}))"
            for root in domains:
                pages = ad.paged_search(conn, root, deleted_filter, ["objectGUID"], show_deleted=True)
                while (page := await _in_thread(_next_page, pages)) is not None:
                    gone.extend(g for g in (e.guid() for e in page) if g)
        if not gone:
            return
        async with self.sessions() as session:
            ids = (await session.execute(
                update(User).where(User.ad_object_guid == _any(gone), User.is_active.is_(True))
                .values(is_active=False, token_version=User.token_version + 1,
                        session_version=User.session_version + 1).returning(User.id)
            )).scalars().all()
            run.counts.deactivated += len(ids)
            run.outcome.deactivated_user_ids.update(ids)
            run.outcome.changed_user_ids.update(ids)
            await self._save_progress(session, run, pages_done=run.pages_done)
            await session.commit()

    # --- groups -> roles -------------------------------------------------------------------------------

    async def _sync_groups(self, run: _Run, conn: Connection) -> None:
        """Mapped roles follow AD exactly for AD accounts: granted to members, taken from non-members.
        Roles granted by hand (source 'manual') are never touched."""
        if not run.groups:
            return
        async with self.sessions() as session:
            roles = dict((await session.execute(select(Role.name, Role.id).where(
                Role.name.in_(list(run.groups.values()))))).all())
        by_dn = await self._users_by_dn(run)
        wanted: dict[int, set[int]] = {rid: set() for rid in roles.values()}
        for group_dn, role_name in run.groups.items():
            role_id = roles.get(role_name)
            if role_id is None:
                self._error(run, group_dn, "AD_UNKNOWN_ROLE", f"the group is mapped to unknown role {role_name!r}")
                continue
            try:
                members = await _in_thread(ad.ranged_values, conn, group_dn, "member")
            except ad.DirectoryError as exc:
                if exc.code != "AD_NO_SUCH_OBJECT":
                    raise
                self._error(run, group_dn, "AD_GROUP_NOT_FOUND", "the mapped group does not exist")
                continue
            wanted[role_id].update(uid for uid in (by_dn.get(normalize_dn(m)) for m in members) if uid)
        async with self.sessions() as session:
            touched: set[int] = set()
            for role_id, user_ids in wanted.items():
                have = set((await session.execute(select(UserRole.user_id).where(
                    UserRole.role_id == role_id, UserRole.source == "ad"))).scalars().all())
                manual = set((await session.execute(select(UserRole.user_id).where(
                    UserRole.role_id == role_id, UserRole.source != "ad"))).scalars().all())
                add = user_ids - have - manual
                remove = have - user_ids
                if add:
                    await session.execute(insert(UserRole), [{"user_id": u, "role_id": role_id, "source": "ad"}
                                                             for u in sorted(add)])
                if remove:
                    await session.execute(delete(UserRole).where(
                        UserRole.role_id == role_id, UserRole.source == "ad", UserRole.user_id.in_(remove)))
                touched |= add | remove
            if touched:
                await session.execute(update(User).where(User.id.in_(touched))
                                      .values(token_version=User.token_version + 1))
                run.outcome.changed_user_ids |= touched
            await session.commit()

    # --- documents whose approver left ----------------------------------------------------------------

    async def _flag_documents(self, run: _Run) -> None:
        """Open documents waiting on a deactivated approver are flagged for the drafter and the admins."""
        if not run.outcome.deactivated_user_ids:
            return
        retired = sorted(run.outcome.deactivated_user_ids)
        async with self.sessions() as session:
            rows = (await session.execute(
                select(ApprovalDocument.id, ApprovalDocument.author_id, ApprovalDocument.title,
                       ApprovalLine.approver_id)
                .join(ApprovalLine, ApprovalLine.document_id == ApprovalDocument.id)
                .where(ApprovalDocument.status.in_(OPEN), ApprovalLine.status == PENDING_LINE,
                       ApprovalLine.approver_id.in_(retired)))).all()
            if not rows:
                return
            admins = (await session.execute(
                select(UserRole.user_id).join(Role, Role.id == UserRole.role_id).join(User, User.id == UserRole.user_id)
                .where(Role.name == "system_admin", User.is_active.is_(True)))).scalars().all()
            docs: dict[int, tuple[int, str, list[int]]] = {}
            for doc_id, author_id, title, approver_id in rows:
                docs.setdefault(doc_id, (author_id, title, []))[2].append(approver_id)
            now = datetime.now(UTC).isoformat()
            notes = []
            for doc_id, (author_id, title, approvers) in docs.items():
                await session.execute(update(ApprovalDocument).where(ApprovalDocument.id == doc_id).values(
                    attention={"reason": "approver_inactive", "user_ids": sorted(set(approvers)), "at": now,
                               "sync_log_id": run.log_id}))
                for recipient in {author_id, *admins}:
                    notes.append({
                        "user_id": recipient, "type": "approval.approver_inactive",
                        "title": f"결재자가 비활성화되었습니다 / The approver was deactivated: {title}"[:300],
                        "body": "결재선을 변경하거나 회수 후 재기안하세요. / "
                                "Re-route the line, or withdraw and resubmit.",
                        "link": f"/approval/documents/{doc_id}",
                        "dedupe_key": f"adsync:{run.log_id}:doc:{doc_id}:user:{recipient}"})
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            await session.execute(pg_insert(Notification).on_conflict_do_nothing(
                index_elements=[Notification.dedupe_key]), notes)
            await session.commit()
            run.outcome.flagged_documents = sorted(docs)

    # --- bookkeeping -------------------------------------------------------------------------------------

    def _remember_error(self, run: _Run, item: dict[str, Any]) -> None:
        log.warning("ad sync entry skipped", extra={"dn": item.get("dn"), "code": item.get("code"),
                                                    "reason": item.get("message")})
        if len(run.errors) < MAX_ERROR_DETAILS:
            run.errors.append(item)

    def _error(self, run: _Run, dn: str, code: str, message: str) -> None:
        run.counts.errors += 1
        self._remember_error(run, {"dn": dn, "code": code, "message": message})

    async def _save_progress(self, session: AsyncSession, run: _Run, *, pages_done: int) -> None:
        progress = {"phase": "users", "pages_done": pages_done, "processed": run.counts.processed}
        await session.execute(update(ADSyncLog).where(ADSyncLog.id == run.log_id).values(
            progress=ADSyncLog.progress.op("||")(literal(progress, type_=JSONB)),
            error_details=run.errors, **run.counts.as_columns()))


def _any(values: Sequence[str | None]) -> Any:
    """`= ANY(:array)`: one parameter, one short statement text (an IN list of 1,000 is neither)."""
    return any_(literal(list(values), type_=ARRAY(Text)))


# Columns written for a new AD account, with their PostgreSQL array types for unnest().
_INSERT_COLUMNS = (("username", "text"), ("name", "text"), ("name_en", "text"), ("email", "text"),
                   ("phone", "text"), ("position", "text"), ("job_title", "text"), ("employee_number", "text"),
                   ("ad_dn", "text"), ("department_id", "bigint"), ("is_active", "boolean"),
                   ("ad_object_guid", "text"), ("ad_username", "text"), ("ad_sync_date", "timestamptz"))
_INSERT_USERS = text(
    "INSERT INTO users ({cols}, auth_source) SELECT {cols}, 'ad'::auth_source FROM unnest({arrays}) AS u({cols}) "
    "RETURNING id".format(
        cols=", ".join(c for c, _ in _INSERT_COLUMNS),
        arrays=", ".join(f"CAST(:{c} AS {t}[])" for c, t in _INSERT_COLUMNS)))


async def _insert_users(session: AsyncSession, rows: list[dict[str, Any]]) -> list[int]:
    """Insert a page of accounts in one short statement: arrays per column, unnested by PostgreSQL."""
    params = {c: [row[c] for row in rows] for c, _ in _INSERT_COLUMNS}
    return list((await session.execute(_INSERT_USERS, params)).scalars().all())


def _domain_root(dn: str) -> str:
    parts = [p for p in dn.split(",") if p.strip().lower().startswith("dc=")]
    return ",".join(p.strip() for p in parts) or dn


__all__ = ["ConfigProblem", "Counts", "SyncOutcome", "Syncer", "directory_settings"]
