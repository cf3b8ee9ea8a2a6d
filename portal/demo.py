"""Demo company for `make run`: departments, employees, boards and approval documents in every state.

Everything goes through the same services the API calls, and every submitted document is a real
ApprovalWorkflow run acted on through its Workflow Updates. Each item is keyed by a natural key (department
code, username, board name, post title, document author + title), so a second run creates nothing.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from fastapi import UploadFile
from redis.asyncio import Redis
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from portal.approval import actions, attachments, delegations, documents
from portal.approval.models import ApprovalDelegation, ApprovalDocument
from portal.approval.schemas import ActionIn, DelegationIn, DocumentCreate, LineIn, LineStepIn
from portal.auth.passwords import hash_password
from portal.board import service as boards
from portal.board.models import Board, Comment, Post
from portal.board.schemas import BoardIn, CommentIn, PostIn
from portal.bootstrap import ADMIN_USERNAME
from portal.common.context import Actor, ClientInfo
from portal.db.session import SessionFactory
from portal.demo_data import (
    BOARDS,
    DELEGATIONS,
    DEMO_PASSWORD,
    DEPARTMENTS,
    EMAIL_DOMAIN,
    PEOPLE,
    POSTS,
    ROOT_CODE,
    SCENARIOS,
    Scenario,
)
from portal.org import service as org
from portal.org.models import Department
from portal.org.schemas import DepartmentCreate, DepartmentUpdate
from portal.settings import Settings
from portal.storage.backends import Storage, build_storage
from portal.users import admin as user_admin
from portal.users import service as users
from portal.users.schemas import AdminUserCreate
from temporal import approval as engine
from workflows.approval_contracts import ActionInput

log = logging.getLogger(__name__)
CLIENT = ClientInfo(user_agent="demo-loader", channel="web")


@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, n: int = 1) -> None:
        self.created[kind] = self.created.get(kind, 0) + n

    @property
    def nothing_created(self) -> bool:
        return not any(self.created.values())


def enabled(settings: Settings) -> bool:
    """GW_DEMO_DATA decides when set; otherwise the demo is on in development only."""
    return settings.demo_data if settings.demo_data is not None else settings.env == "development"


async def is_loaded(session: AsyncSession) -> bool:
    return (await session.execute(select(Department.id).where(Department.code == ROOT_CODE))).first() is not None


class _Loader:
    def __init__(self, sessions: SessionFactory, redis: Redis, temporal: Client, settings: Settings,
                 storage: Storage) -> None:
        self.sessions, self.redis, self.temporal, self.settings = sessions, redis, temporal, settings
        self.storage = storage
        self.report = DemoReport()
        self.ids: dict[str, int] = {}  # username -> user id
        self.depts: dict[str, int] = {}  # department code -> id
        self._password_hash: str | None = None

    async def actor(self, session: AsyncSession, username: str) -> Actor:
        user = await users.get(session, self.ids[username])
        roles, perms = await users.roles_and_permissions(session, user.id)
        return Actor(id=user.id, username=user.username, roles=frozenset(roles), permissions=frozenset(perms),
                     department_id=user.department_id)

    # --- organisation --------------------------------------------------------------------------------

    async def organisation(self) -> None:
        async with self.sessions() as session:
            admin = await users.get_by_username(session, ADMIN_USERNAME)
            assert admin is not None, "bootstrap must run before the demo"
            self.ids[ADMIN_USERNAME] = admin.id
            actor = await self.actor(session, ADMIN_USERNAME)
            for dept in DEPARTMENTS:
                stmt = select(Department).where(Department.code == dept.code)
                found = (await session.execute(stmt)).scalar_one_or_none()
                if found is None:
                    found = await org.create(session, actor, DepartmentCreate(
                        name=dept.name, code=dept.code, parent_id=self.depts.get(dept.parent or ""),
                        sort_order=dept.sort_order), CLIENT)
                    self.report.add("departments")
                self.depts[dept.code] = found.id
            for n, person in enumerate(PEOPLE, start=1):
                user = await users.get_by_username(session, person.username)
                if user is None:
                    user = await user_admin.create(session, actor, AdminUserCreate(
                        username=person.username, name=person.name, name_en=person.name_en,
                        email=f"{person.username}@{EMAIL_DOMAIN}", employee_number=f"D{2026000 + n}",
                        phone=f"010-{2000 + n * 37:04d}-{1000 + n * 113:04d}", department_id=self.depts[person.dept],
                        position=person.position, job_title=person.job_title, roles=list(person.roles),
                    ), self.settings, CLIENT)
                    # One bcrypt hash for all forty: the same password, and start-up stays quick.
                    user.password_hash = await self.password_hash()
                    user.password_changed_at = datetime.now(UTC)
                    await session.commit()
                    self.report.add("users")
                self.ids[person.username] = user.id
            for dept in DEPARTMENTS:
                row = await org.get(session, self.depts[dept.code])
                if row.manager_id is None:
                    await org.update(session, actor, row.id,
                                     DepartmentUpdate(manager_id=self.ids[dept.manager]), CLIENT)

    async def password_hash(self) -> str:
        if self._password_hash is None:
            self._password_hash = await hash_password(DEMO_PASSWORD, self.settings.bcrypt_rounds)
        return self._password_hash

    # --- boards --------------------------------------------------------------------------------------

    async def board_content(self) -> None:
        async with self.sessions() as session:
            admin = await self.actor(session, ADMIN_USERNAME)
            board_ids: dict[str, int] = {}
            for spec in BOARDS:
                board = (await session.execute(select(Board).where(Board.name == spec.name))).scalar_one_or_none()
                if board is None:
                    board = await boards.create_board(session, admin, BoardIn(
                        name=spec.name, description=spec.description, type=spec.type,
                        department_id=self.depts[spec.dept] if spec.dept else None,
                        sort_order=len(board_ids)), CLIENT)
                    self.report.add("boards")
                board_ids[spec.key] = board.id
            for post_spec in POSTS:
                board_id = board_ids[post_spec.board]
                exists = await session.execute(select(Post.id).where(Post.board_id == board_id,
                                                                     Post.title == post_spec.title))
                if exists.first():
                    continue
                author = await self.actor(session, post_spec.author)
                post = await boards.create_post(session, self.redis, author, board_id, PostIn(
                    title=post_spec.title, content=post_spec.content, is_notice=post_spec.notice,
                    is_pinned=post_spec.pinned))
                self.report.add("posts")
                first_comment: int | None = None
                for who, text in post_spec.comments:
                    reply = text.startswith("↳ ")
                    comment = await boards.add_comment(session, self.redis, await self.actor(session, who), post.id,
                                                       CommentIn(content=text.removeprefix("↳ "),
                                                                 parent_id=first_comment if reply else None))
                    first_comment = first_comment or comment.id
                    self.report.add("comments")
                for who in post_spec.likes:
                    await boards.toggle_like(session, self.redis, await self.actor(session, who), post.id)
                    self.report.add("likes")
                # Spread the demo's history over the past weeks, so lists and portlets look lived in.
                when = datetime.now(UTC) - timedelta(days=post_spec.days_ago, hours=len(post_spec.title) % 7)
                await session.execute(update(Post).where(Post.id == post.id).values(created_at=when))
                await session.execute(update(Comment).where(Comment.post_id == post.id)
                                      .values(created_at=when + timedelta(hours=2)))
                await session.commit()
            await boards.posts_changed(self.redis, next(iter(board_ids.values())))

    # --- approval ------------------------------------------------------------------------------------

    async def delegation_setup(self) -> None:
        today = datetime.now(UTC).date()
        async with self.sessions() as session:
            for delegator, delegate, reason in DELEGATIONS:
                current = await session.execute(select(ApprovalDelegation.id).where(
                    ApprovalDelegation.delegator_id == self.ids[delegator], ApprovalDelegation.is_active.is_(True),
                    ApprovalDelegation.ends_on >= today))
                if current.first():
                    continue
                await delegations.create(session, await self.actor(session, delegator), DelegationIn(
                    delegate_id=self.ids[delegate], starts_on=today, ends_on=today + timedelta(days=14),
                    reason=reason), CLIENT)
                self.report.add("delegations")

    def _line(self, scenario: Scenario) -> LineIn:
        return LineIn(
            steps=[LineStepIn(kind=s.kind, approvers=[self.ids[a] for a in s.approvers], rule=s.rule,
                              required=s.required)
                   for s in scenario.steps],
            references=[self.ids[u] for u in scenario.references],
            receivers=[self.ids[u] for u in scenario.receivers],
        )

    async def scenario(self, scenario: Scenario) -> None:
        async with self.sessions() as session:
            author = await self.actor(session, scenario.author)
            exists = await session.execute(select(ApprovalDocument.id).where(
                ApprovalDocument.author_id == author.id, ApprovalDocument.title == scenario.title))
            if exists.first():
                return
            doc = await documents.create_draft(session, author, DocumentCreate(
                template_code=scenario.template, title=scenario.title, content=scenario.content,
                form_data=scenario.form, line=self._line(scenario)))
            doc_id = doc.id
            if scenario.attachment:
                name, text = scenario.attachment
                await attachments.add(session, self.storage, self.settings, author, doc_id,
                                      UploadFile(io.BytesIO(text.encode()), filename=name))
            self.report.add("documents")
            if scenario.submit:
                await self.submit(session, author, doc_id)
        for step in scenario.actions:
            if step.action == "resubmit":
                async with self.sessions() as session:
                    author = await self.actor(session, step.actor)
                    newer = await documents.resubmit(session, author, doc_id)
                    doc_id = newer.id
                    self.report.add("documents")
                    await self.submit(session, author, doc_id)
                continue
            await self.act(step.actor, doc_id, step.action, ActionIn(comment=step.comment, final=step.final))

    async def submit(self, session: AsyncSession, author: Actor, doc_id: int) -> None:
        """The API's 상신: validate and write the line, start the run, then commit."""
        workflow = engine.workflow_id(doc_id, self.settings.temporal_prefix)
        inp = await documents.prepare_submission(session, author, doc_id, workflow_id=workflow, client=CLIENT,
                                                 settings=self.settings)
        await engine.start(self.temporal, inp, workflow_id=workflow, prefix=self.settings.temporal_prefix)
        await session.commit()

    async def act(self, username: str, doc_id: int, action: str, body: ActionIn) -> None:
        """The API's action route: the same checks and 대결 lookup, then the Workflow Update (which waits for its
        projection)."""
        async with self.sessions() as session:
            actor = await self.actor(session, username)
            target = await actions.target(await session.connection(), actor, doc_id, action)
        await engine.act(self.temporal, target.workflow_id, action, ActionInput(
            actor_id=actor.id, comment=body.comment, on_behalf_of=target.on_behalf_of,
            final=body.final and action == "approve", channel="web", user_agent=CLIENT.user_agent))


async def load(sessions: SessionFactory, redis: Redis, temporal: Client, settings: Settings,
               storage: Storage | None = None) -> DemoReport:
    """Create whatever part of the demo company is missing (nothing, on a second run)."""
    loader = _Loader(sessions, redis, temporal, settings, storage or build_storage(settings))
    await loader.organisation()
    await loader.board_content()
    await loader.delegation_setup()
    for scenario in SCENARIOS:
        await loader.scenario(scenario)
    log.info("demo data loaded", extra={"demo_created": loader.report.created})
    return loader.report


async def run(settings: Settings) -> DemoReport:
    """Connect to everything `load` needs (a worker must be polling the approval queues)."""
    from portal.db.session import create_engine, create_session_factory
    from temporal.client import connect

    engine = create_engine(settings.effective_database_url, pool_size=2)
    redis = Redis.from_url(settings.effective_redis_url)
    try:
        return await load(create_session_factory(engine), redis, await connect(settings), settings)
    finally:
        await redis.aclose()
        await engine.dispose()
