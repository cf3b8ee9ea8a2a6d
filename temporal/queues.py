"""Task queue names; workers and clients import them from here only."""

APPROVAL = "groupware-approval"
NOTIFY = "groupware-notify"
AD_SYNC = "groupware-ad-sync"
SYSTEM = "groupware-system"

ALL = (APPROVAL, NOTIFY, AD_SYNC, SYSTEM)
