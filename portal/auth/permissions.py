"""Permission strings and the built-in roles that hold them (seed §5.1.3 RBAC)."""

from __future__ import annotations

from enum import StrEnum


class Perm(StrEnum):
    USERS_READ = "users:read"
    USERS_MANAGE = "users:manage"  # create/update/deactivate any user
    USERS_MANAGE_DEPARTMENT = "users:manage-department"  # the same, inside the managed department subtree
    ORG_READ = "org:read"
    ORG_MANAGE = "org:manage"
    ROLES_MANAGE = "roles:manage"
    AUDIT_READ = "audit:read"  # the whole audit log
    AUDIT_READ_DEPARTMENT = "audit:read-department"  # entries about users of the managed department subtree
    SETTINGS_MANAGE = "settings:manage"
    SYSTEM_MONITOR = "system:monitor"
    APPROVAL_USE = "approval:use"
    APPROVAL_ADMIN = "approval:admin"
    APPROVAL_FINALIZE = "approval:finalize"  # 전결: approve a whole document at one's own step
    BOARD_USE = "board:use"
    BOARD_ADMIN = "board:admin"
    AD_SYNC_MANAGE = "ad-sync:manage"


PERMISSION_DESCRIPTIONS: dict[Perm, str] = {
    Perm.USERS_READ: "Read the employee directory",
    Perm.USERS_MANAGE: "Create, edit and deactivate any user",
    Perm.USERS_MANAGE_DEPARTMENT: "Create, edit and deactivate users of the departments one manages",
    Perm.ORG_READ: "Read the organisation chart",
    Perm.ORG_MANAGE: "Create, rename, move departments and set managers",
    Perm.ROLES_MANAGE: "Assign roles to users",
    Perm.AUDIT_READ: "Read the whole audit log",
    Perm.AUDIT_READ_DEPARTMENT: "Read the audit log of the users of the departments one manages",
    Perm.SETTINGS_MANAGE: "Change system settings",
    Perm.SYSTEM_MONITOR: "See system health, workers and stuck processes",
    Perm.APPROVAL_USE: "Draft and act on approval documents",
    Perm.APPROVAL_ADMIN: "Manage approval templates and see all documents",
    Perm.APPROVAL_FINALIZE: "Give final approval (전결) when one's step is reached",
    Perm.BOARD_USE: "Read and write on boards one is allowed to",
    Perm.BOARD_ADMIN: "Manage boards and moderate posts",
    Perm.AD_SYNC_MANAGE: "Configure and run Active Directory sync",
}

EMPLOYEE_PERMS = frozenset({Perm.USERS_READ, Perm.ORG_READ, Perm.APPROVAL_USE, Perm.BOARD_USE})

BUILTIN_ROLES: dict[str, tuple[str, frozenset[Perm]]] = {
    "system_admin": ("시스템 관리자 / System administrator", frozenset(Perm)),
    "dept_admin": (
        "부서 관리자 / Department administrator",
        EMPLOYEE_PERMS | {Perm.USERS_MANAGE_DEPARTMENT, Perm.AUDIT_READ_DEPARTMENT},
    ),
    "user": ("일반 사용자 / Employee", EMPLOYEE_PERMS),
}
DEFAULT_ROLE = "user"
