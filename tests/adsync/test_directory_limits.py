"""What Samba does not enforce but Active Directory does, against ldap3's mock strategy made to behave like AD:
pages capped at 1,000 entries (MaxPageSize) and `member` handed out 1,500 values at a time (MaxValRange)."""

from __future__ import annotations

from typing import Any

from ldap3 import MOCK_SYNC, NONE, Connection, Server

from portal.adsync import directory as ad

MAX_PAGE_SIZE = 1000
MAX_VAL_RANGE = 1500
BASE = "OU=People,DC=corp,DC=example,DC=com"


class ADLikeConnection(Connection):
    """The mock directory with AD's server-side limits; records what the client asked for."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requested_page_sizes: list[int] = []
        self.filters: list[str] = []

    def search(self, search_base: str, search_filter: str, search_scope: Any = "SUBTREE", *args: Any,
               attributes: Any = None, paged_size: int | None = None, **kwargs: Any) -> Any:
        self.filters.append(search_filter)
        if paged_size:
            self.requested_page_sizes.append(paged_size)
            paged_size = min(paged_size, MAX_PAGE_SIZE)
        ranged = [a for a in attributes or [] if ";range=" in a.lower()]
        if not ranged:
            return super().search(search_base, search_filter, search_scope, *args, attributes=attributes,
                                  paged_size=paged_size, **kwargs)
        name, _, bounds = ranged[0].partition(";range=")
        low = int(bounds.split("-")[0])
        found = super().search(search_base, search_filter, search_scope, *args, attributes=[name], **kwargs)
        for item in self.response or []:
            values = item["raw_attributes"].pop(name, [])
            item["attributes"].pop(name, None)
            chunk = values[low:low + MAX_VAL_RANGE]
            last = low + len(chunk) >= len(values)
            key = f"{name};range={low}-{'*' if last else low + len(chunk) - 1}"
            item["raw_attributes"][key] = chunk
        return found


def directory(users: int, group_members: int) -> ADLikeConnection:
    conn = ADLikeConnection(Server("mock-ad", get_info=NONE), user="CN=admin,DC=corp,DC=example,DC=com",
                            password="secret", client_strategy=MOCK_SYNC, return_empty_attributes=False)
    conn.strategy.add_entry("CN=admin,DC=corp,DC=example,DC=com", {"userPassword": "secret"})
    for n in range(users):
        conn.strategy.add_entry(f"CN=user{n},{BASE}", {"objectClass": ["top", "person", "user"],
                                                       "objectCategory": "person", "sAMAccountName": f"user{n}"})
    conn.strategy.add_entry(f"CN=Big,{BASE}", {"objectClass": ["top", "group"], "sAMAccountName": "Big",
                                               "member": [f"CN=user{n},{BASE}" for n in range(group_members)]})
    conn.bind()
    return conn


def test_paged_search_reads_every_page_and_never_asks_for_more_than_ad_allows() -> None:
    conn = directory(users=2500, group_members=0)
    pages = list(ad.paged_search(conn, BASE, "(objectClass=user)", ["sAMAccountName"], page_size=5000))
    assert [len(p) for p in pages] == [1000, 1000, 500]
    assert max(conn.requested_page_sizes) <= MAX_PAGE_SIZE
    names = {e.text("sAMAccountName") for page in pages for e in page}
    assert len(names) == 2500


def test_large_group_members_are_read_in_ranges() -> None:
    conn = directory(users=3200, group_members=3200)
    members = ad.ranged_values(conn, f"CN=Big,{BASE}", "member")
    assert len(members) == 3200 and len(set(members)) == 3200
    assert members[0] == f"CN=user0,{BASE}" and members[-1] == f"CN=user3199,{BASE}"
    small = directory(users=3, group_members=3)
    assert len(ad.ranged_values(small, f"CN=Big,{BASE}", "member")) == 3


def test_usernames_are_escaped_in_filters() -> None:
    conn = directory(users=3, group_members=0)
    assert ad.find_user_dn(conn, (BASE,), "*") is None
    assert ad.find_user_dn(conn, (BASE,), "user1)(sAMAccountName=*") is None
    assert r"\2a" in conn.filters[0] and r"\29\28" in conn.filters[1]
    assert ad.find_user_dn(conn, (BASE,), "user1") == (f"CN=user1,{BASE}", 0)
