"""Task queue names; workers and clients import them from here only."""

APPROVAL = "groupware-approval"
NOTIFY = "groupware-notify"
AD_SYNC = "groupware-ad-sync"
SYSTEM = "groupware-system"

ALL = (APPROVAL, NOTIFY, AD_SYNC, SYSTEM)


def named(queue: str, prefix: str) -> str:
    """The queue's name under the deployment's `GW_TEMPORAL_PREFIX` (empty in production)."""
    return f"{prefix}{queue}"
