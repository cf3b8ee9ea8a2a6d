"""Imports every table so `Base.metadata` is complete (Alembic and tests use this module)."""

from portal.admin.models import SystemSetting
from portal.adsync.models import ADAttributeMapping, ADSyncConfig, ADSyncLog
from portal.approval.models import (
    ApprovalActionToken,
    ApprovalAttachment,
    ApprovalDelegation,
    ApprovalDocument,
    ApprovalHistory,
    ApprovalLine,
    ApprovalTemplate,
    DocumentNumberSequence,
)
from portal.audit.models import AuditLog
from portal.auth.models import Permission, Role, UserRole, role_permissions
from portal.board.models import Board, Comment, Post, PostAttachment, PostLike
from portal.db.base import Base
from portal.notify.models import Notification
from portal.org.models import Department
from portal.portlets.models import PortalLayout
from portal.users.models import AuthSource, User

__all__ = [
    "ADAttributeMapping", "ApprovalActionToken", "ApprovalAttachment", "ApprovalDelegation",
    "DocumentNumberSequence", "ADSyncConfig", "ADSyncLog", "ApprovalDocument", "ApprovalHistory",
    "ApprovalLine", "ApprovalTemplate", "AuditLog", "AuthSource", "Base", "Board", "Comment",
    "Department", "Notification", "Permission", "Post", "PostAttachment", "PostLike", "PortalLayout",
    "Role", "SystemSetting", "User", "UserRole", "role_permissions",
]
