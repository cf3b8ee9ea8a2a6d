"""Deterministic test data for the search benchmark: Korean employees, a department tree, posts and approvals."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

# Surnames with their share of the population (per mille, 2015 census, rounded) and usual romanisation.
SURNAMES: list[tuple[str, str, float]] = [
    ("김", "Kim", 215), ("이", "Lee", 147), ("박", "Park", 84), ("최", "Choi", 47), ("정", "Jung", 43),
    ("강", "Kang", 23), ("조", "Cho", 21), ("윤", "Yoon", 20), ("장", "Jang", 20), ("임", "Lim", 16),
    ("한", "Han", 15), ("오", "Oh", 15), ("서", "Seo", 15), ("신", "Shin", 15), ("권", "Kwon", 14),
    ("황", "Hwang", 14), ("안", "Ahn", 14), ("송", "Song", 13), ("전", "Jeon", 11), ("홍", "Hong", 11),
    ("유", "Yoo", 11), ("고", "Ko", 9), ("문", "Moon", 9), ("양", "Yang", 9), ("손", "Son", 9),
    ("배", "Bae", 8), ("백", "Baek", 8), ("허", "Heo", 7), ("노", "Noh", 6), ("남", "Nam", 6),
    ("심", "Shim", 5), ("하", "Ha", 5), ("곽", "Kwak", 4), ("성", "Sung", 4), ("차", "Cha", 4),
    ("주", "Joo", 4), ("우", "Woo", 4), ("구", "Koo", 4), ("민", "Min", 3), ("류", "Ryu", 3),
    ("나", "Na", 3), ("진", "Jin", 3), ("지", "Ji", 3), ("엄", "Eom", 3), ("채", "Chae", 3),
    ("원", "Won", 2), ("천", "Cheon", 2), ("방", "Bang", 2), ("공", "Kong", 2), ("현", "Hyun", 2),
    ("함", "Ham", 2), ("변", "Byun", 2), ("염", "Yeom", 2), ("여", "Yeo", 1), ("추", "Choo", 1),
    ("도", "Do", 1), ("소", "So", 1), ("석", "Seok", 1), ("선", "Sun", 1), ("설", "Seol", 1),
]

# Syllables of given names (Revised Romanisation) with a rough popularity weight.
SYLLABLES: list[tuple[str, str, float]] = [
    ("민", "min", 30), ("서", "seo", 28), ("지", "ji", 28), ("현", "hyeon", 24), ("준", "jun", 24),
    ("우", "woo", 20), ("수", "su", 20), ("영", "yeong", 20), ("하", "ha", 18), ("은", "eun", 18),
    ("예", "ye", 14), ("윤", "yun", 16), ("도", "do", 14), ("유", "yu", 14), ("진", "jin", 16),
    ("성", "seong", 16), ("재", "jae", 14), ("정", "jeong", 16), ("혜", "hye", 12), ("주", "ju", 12),
    ("연", "yeon", 16), ("승", "seung", 12), ("태", "tae", 10), ("동", "dong", 10), ("경", "gyeong", 10),
    ("상", "sang", 10), ("원", "won", 12), ("희", "hui", 12), ("소", "so", 8), ("아", "a", 10),
    ("나", "na", 8), ("다", "da", 6), ("채", "chae", 8), ("시", "si", 6), ("건", "geon", 8),
    ("호", "ho", 10), ("석", "seok", 8), ("훈", "hun", 10), ("혁", "hyeok", 8), ("용", "yong", 8),
    ("철", "cheol", 6), ("종", "jong", 6), ("기", "gi", 6), ("명", "myeong", 6), ("광", "gwang", 4),
    ("규", "gyu", 6), ("빈", "bin", 6), ("린", "rin", 4), ("율", "yul", 4), ("찬", "chan", 6),
    ("형", "hyeong", 5), ("환", "hwan", 6), ("범", "beom", 4), ("선", "seon", 6), ("미", "mi", 8),
    ("숙", "suk", 5), ("순", "sun", 4), ("옥", "ok", 3), ("자", "ja", 3), ("란", "ran", 3),
    ("보", "bo", 5), ("람", "ram", 3), ("한", "han", 5), ("별", "byeol", 2), ("솔", "sol", 3),
    ("인", "in", 6), ("완", "wan", 3), ("창", "chang", 4), ("택", "taek", 3), ("병", "byeong", 4),
    ("대", "dae", 4), ("남", "nam", 3), ("봉", "bong", 2), ("근", "geun", 4), ("웅", "ung", 3),
    ("열", "yeol", 3), ("익", "ik", 2), ("효", "hyo", 4), ("향", "hyang", 2), ("화", "hwa", 4),
    ("애", "ae", 3), ("가", "ga", 4), ("라", "ra", 3), ("결", "gyeol", 2), ("겸", "gyeom", 2),
    ("온", "on", 2), ("이", "i", 6), ("세", "se", 6), ("신", "sin", 4), ("영", "young", 2),
    ("의", "ui", 3), ("혼", "hon", 1), ("덕", "deok", 3), ("홍", "hong", 2), ("일", "il", 4),
]

# (position, share of employees, seniority: the department manager is the most senior member)
POSITIONS: list[tuple[str, float, int]] = [
    ("사원", 30, 0), ("대리", 25, 1), ("과장", 18, 2), ("차장", 12, 3), ("부장", 8, 4), ("팀장", 5, 5),
    ("본부장", 2, 6),
]

DIVISIONS = ["경영지원", "영업", "연구개발", "생산", "마케팅", "재무", "품질", "고객지원", "전략기획", "정보기술"]
FUNCTIONS = ["기획", "운영", "개발", "분석", "관리", "지원", "영업", "설계", "서비스", "혁신", "플랫폼", "데이터",
             "보안", "인사", "교육", "구매", "물류", "법무", "홍보", "디자인"]
EMAIL_DOMAIN = "example.co.kr"


@dataclass(frozen=True)
class Department:
    id: int
    name: str
    code: str
    parent_id: int | None
    level: int  # 0 company, 1 본부, 2 실, 3 팀
    sort_order: int


@dataclass(frozen=True)
class Employee:
    username: str
    name: str
    name_en: str
    email: str
    phone: str
    department_id: int
    position: str
    is_active: bool

    @property
    def given_en(self) -> str:
        return self.name_en.split(" ")[0]


def departments(count: int, first_id: int) -> list[Department]:
    """A company, 10 본부, about 5 실 each, and teams under the 실 until `count` departments exist."""
    rng = random.Random(7)
    out = [Department(first_id, "주식회사 그룹웨어", "D0000", None, 0, 0)]
    divisions: list[Department] = []
    offices: list[Department] = []
    for i, title in enumerate(DIVISIONS):
        dept = Department(first_id + len(out), f"{title}본부", f"D{len(out):04d}", out[0].id, 1, i)
        out.append(dept)
        divisions.append(dept)
    for division in divisions:
        for j in range(5):
            base = division.name.removesuffix("본부")
            dept = Department(first_id + len(out), f"{base}{j + 1}실", f"D{len(out):04d}", division.id, 2, j)
            out.append(dept)
            offices.append(dept)
    n = 0
    while len(out) < count:
        office = offices[n % len(offices)]
        function = rng.choice(FUNCTIONS)
        dept = Department(first_id + len(out), f"{office.name.removesuffix('실')}{function}{n // len(offices) + 1}팀",
                          f"D{len(out):04d}", office.id, 3, n // len(offices))
        out.append(dept)
        n += 1
    return out


def employees(count: int, depts: Sequence[Department], seed: int = 20261127) -> list[Employee]:
    """`count` employees: surnames by census frequency, two-syllable given names, unique usernames and emails."""
    rng = random.Random(seed)
    surnames, surname_w = [s[:2] for s in SURNAMES], [s[2] for s in SURNAMES]
    syllables, syllable_w = [s[:2] for s in SYLLABLES], [s[2] for s in SYLLABLES]
    positions, position_w = [p[0] for p in POSITIONS], [p[1] for p in POSITIONS]
    teams = [d for d in depts if d.level == 3]
    team_w = [rng.uniform(0.3, 1.7) for _ in teams]  # teams of different sizes
    heads = [d for d in depts if d.level in (1, 2)]
    usernames: set[str] = set()
    phones: set[str] = set()
    out: list[Employee] = []
    family = rng.choices(surnames, surname_w, k=count)
    firsts = rng.choices(syllables, syllable_w, k=count)
    seconds = rng.choices(syllables, syllable_w, k=count)
    ranks = rng.choices(positions, position_w, k=count)
    homes = rng.choices(teams, team_w, k=count)
    for i in range(count):
        (sur, sur_en), (a, a_en), (b, b_en) = family[i], firsts[i], seconds[i]
        while b == a:  # no 민민
            b, b_en = rng.choices(syllables, syllable_w)[0]
        given_en = (a_en + ("-" if rng.random() < 0.15 else "") + b_en).capitalize()
        base = f"{(a_en + b_en)}.{sur_en}".lower()
        username, n = base, 1
        while username in usernames:
            n += 1
            username = f"{base}{n}"
        usernames.add(username)
        phone = f"010-{rng.randrange(10000):04d}-{rng.randrange(10000):04d}"
        while phone in phones:
            phone = f"010-{rng.randrange(10000):04d}-{rng.randrange(10000):04d}"
        phones.add(phone)
        position = ranks[i]
        department = rng.choice(heads) if position == "본부장" else homes[i]
        out.append(Employee(username, sur + a + b, f"{given_en} {sur_en}", f"{username}@{EMAIL_DOMAIN}", phone,
                            department.id, position, rng.random() >= 0.02))
    return out


# --- loading ------------------------------------------------------------------------------------------

async def load_org(conn: AsyncConnection[Any], dept_count: int, user_count: int) -> tuple[list[Department],
                                                                                         list[Employee]]:
    """Departments, then employees with COPY, then a manager per department (its most senior member)."""
    async with conn.cursor() as cur:
        await cur.execute("SELECT coalesce(max(id), 0) + 1 FROM departments")
        row = await cur.fetchone()
        first_id = int(row[0]) if row else 1
        depts = departments(dept_count, first_id)
        async with cur.copy("COPY departments (id, name, code, parent_id, sort_order) FROM STDIN") as copy:
            for d in depts:
                await copy.write_row((d.id, d.name, d.code, d.parent_id, d.sort_order))
        await cur.execute("SELECT setval(pg_get_serial_sequence('departments', 'id'), "
                          "(SELECT max(id) FROM departments))")
        people = employees(user_count, depts)
        # Bulk-load practice: the trigram indexes are dropped and rebuilt from their own definitions, which is
        # several times faster than maintaining them row by row during COPY.
        await cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                          "AND tablename = 'users' AND indexdef LIKE '%%USING gin%%'")
        gin = await cur.fetchall()
        for name, _ in gin:
            await cur.execute(f'DROP INDEX "{name}"')
        async with cur.copy("COPY users (username, name, name_en, email, phone, department_id, position, auth_source, "
                            "is_active) FROM STDIN") as copy:
            for e in people:
                await copy.write_row((e.username, e.name, e.name_en, e.email, e.phone, e.department_id, e.position,
                                      "local", e.is_active))
        for _, definition in gin:
            await cur.execute(definition)
        seniority = " ".join(f"WHEN '{p}' THEN {s}" for p, _, s in POSITIONS)
        await cur.execute(f"""
            UPDATE departments d SET manager_id = m.id
            FROM (SELECT DISTINCT ON (department_id) department_id, id FROM users
                  WHERE department_id IS NOT NULL AND is_active
                  ORDER BY department_id, CASE position {seniority} ELSE -1 END DESC, id) m
            WHERE m.department_id = d.id""")
    await conn.commit()
    return depts, people


async def make_portal_users(conn: AsyncConnection[Any], count: int) -> list[str]:
    """`count` active generated employees who can log in with the admin's password, holding the default role."""
    async with conn.cursor() as cur:
        await cur.execute("""
            SELECT id, username FROM users
            WHERE username <> 'admin' AND is_active AND department_id IS NOT NULL ORDER BY id LIMIT %s""", (count,))
        rows = await cur.fetchall()
        ids = [r[0] for r in rows]
        await cur.execute("UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = 'admin') "
                          "WHERE id = ANY(%s)", (ids,))
        await cur.execute("INSERT INTO user_roles (user_id, role_id) SELECT u, r.id FROM unnest(%s::bigint[]) u, "
                          "roles r WHERE r.name = 'user' ON CONFLICT DO NOTHING", (ids,))
    await conn.commit()
    return [r[1] for r in rows]


BOARDS: list[tuple[str, str, dict[str, Any], float]] = [  # name, type, read permission, share of the posts
    ("공지사항", "notice", {}, 0.08), ("자유게시판", "general", {}, 0.40), ("사내소식", "general", {}, 0.20),
    ("IT 헬프데스크", "general", {}, 0.20), ("경조사", "general", {}, 0.07),
    ("임원 게시판", "general", {"roles": ["system_admin"]}, 0.05),
]
TOPICS = [
    "주간 회의록", "프로젝트 진행 현황", "시스템 점검 안내", "신규 입사자 소개", "사내 교육 일정",
    "복리후생 변경", "보안 수칙 안내", "분기 실적 공유", "워크숍 참가 신청", "VPN 접속 문의",
    "노트북 교체 요청", "결혼 소식", "동호회 모집", "주차장 이용 안내", "건강검진 일정",
]
DOC_TYPES = [("leave", "연차 휴가 신청"), ("expense", "경비 정산"), ("purchase", "구매 요청"),
             ("business_trip", "출장 신청"), ("general", "업무 협조 요청")]
DOC_STATUSES: list[tuple[str, float]] = [("draft", 0.10), ("in_progress", 0.40), ("approved", 0.40),
                                         ("rejected", 0.07), ("withdrawn", 0.03)]


async def load_posts(conn: AsyncConnection[Any], count: int, user_ids: Sequence[int], seed: int = 11) -> None:
    """`count` posts over a year in a few boards (one of them a notice board, one restricted to admins)."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    async with conn.cursor() as cur:
        board_ids = []
        for i, (name, kind, read, _) in enumerate(BOARDS):
            await cur.execute("INSERT INTO boards (name, type, read_permission, sort_order) VALUES (%s, %s, %s, %s) "
                              "RETURNING id", (name, kind, Jsonb(read), i))
            row = await cur.fetchone()
            assert row is not None
            board_ids.append(int(row[0]))
        chosen = rng.choices(range(len(BOARDS)), [b[3] for b in BOARDS], k=count)
        async with cur.copy("COPY posts (board_id, author_id, title, content, is_notice, is_pinned, view_count, "
                            "comment_count, created_at) FROM STDIN") as copy:
            for i in range(count):
                board = chosen[i]
                topic = rng.choice(TOPICS)
                created = now - timedelta(seconds=rng.randrange(365 * 86400))
                title = f"{topic} ({created:%m/%d}) #{i + 1}"
                content = f"<p>{topic}에 관한 글입니다. 자세한 내용은 첨부를 확인해 주세요. ({i + 1})</p>"
                notice = BOARDS[board][1] == "notice" or rng.random() < 0.01
                pinned = notice and rng.random() < 0.05
                await copy.write_row((board_ids[board], rng.choice(user_ids), title, content, notice, pinned,
                                      rng.randrange(500), rng.randrange(20), created))
    await conn.commit()


async def load_documents(conn: AsyncConnection[Any], count: int, user_ids: Sequence[int],
                         approvers: Sequence[int], seed: int = 13) -> None:
    """`count` approval documents with 2-3 step lines; half of the current steps belong to `approvers`."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    statuses, status_w = [s for s, _ in DOC_STATUSES], [w for _, w in DOC_STATUSES]
    async with conn.cursor() as cur:
        await cur.execute("SELECT coalesce(max(id), 0) FROM approval_documents")
        row = await cur.fetchone()
        first = int(row[0]) + 1 if row else 1
        lines: list[tuple[int, int, str, int, str]] = []
        async with cur.copy("COPY approval_documents (id, author_id, document_type, title, status, current_step, "
                            "document_number, submitted_at, completed_at, created_at) FROM STDIN") as copy:
            for i in range(count):
                doc_id = first + i
                kind, label = rng.choice(DOC_TYPES)
                status = rng.choices(statuses, status_w)[0]
                created = now - timedelta(seconds=rng.randrange(180 * 86400))
                steps = rng.choice((2, 3))
                current = rng.randrange(1, steps + 1) if status in ("in_progress", "rejected") else None
                submitted = None if status == "draft" else created + timedelta(minutes=rng.randrange(600))
                completed = submitted + timedelta(hours=rng.randrange(1, 72)) \
                    if submitted and status in ("approved", "rejected", "withdrawn") else None
                number = None if status == "draft" else f"{kind.upper()}-{created:%Y}-{doc_id:06d}"
                await copy.write_row((doc_id, rng.choice(user_ids), kind, f"{label} - {created:%Y-%m-%d} #{i + 1}",
                                      status, current, number, submitted, completed, created))
                if status == "draft":
                    continue
                for step in range(1, steps + 1):
                    if status == "approved" or (current is not None and step < current):
                        line = "approved"
                    elif current == step:
                        line = "pending" if status == "in_progress" else "rejected"
                    else:
                        line = "waiting"
                    mine = line == "pending" and rng.random() < 0.5
                    lines.append((doc_id, step, "approval", rng.choice(approvers if mine else user_ids), line))
        await cur.execute("SELECT setval(pg_get_serial_sequence('approval_documents', 'id'), "
                          "(SELECT max(id) FROM approval_documents))")
        async with cur.copy("COPY approval_lines (document_id, step_order, line_type, approver_id, status) "
                            "FROM STDIN") as copy:
            for values in lines:
                await copy.write_row(values)
    await conn.commit()


# --- queries ------------------------------------------------------------------------------------------

def _distinct(rng: random.Random, people: Sequence[Employee], pick: Any, limit: int) -> list[str]:
    """Queries typed about employees met in random order (so common names come early), each query once."""
    seen: dict[str, None] = {}
    order = list(range(len(people)))
    rng.shuffle(order)
    for i in order:
        q = pick(people[i])
        if q and q not in seen:
            seen[q] = None
            if len(seen) >= limit:
                break
    return list(seen)


def query_pools(people: Sequence[Employee], limit: int, seed: int = 5) -> dict[str, list[str]]:
    """Distinct search texts per kind, at most `limit` each, deterministic.

    - `prefix`: the first two syllables of a name (김민), as typed into a type-ahead box;
    - `chosung`: the initials of the first two syllables (ㄱㅁ, 30%) or of the whole name (ㅇㅅㅎ);
    - `name`: a given name (민준, a substring) or a full name (김민준);
    - `english`: a romanised given name (Minjun, Min-jun) or full English name (Minjun Kim);
    - `phone`: the last four digits of a mobile number.
    """
    rng = random.Random(seed)
    initial = {s: "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"[(ord(s) - 0xAC00) // 588] for e in people for s in e.name}

    def chosung(e: Employee) -> str:
        full = "".join(initial[s] for s in e.name)
        return full[:2] if rng.random() < 0.3 else full

    return {
        "prefix": _distinct(rng, people, lambda e: e.name[:2], limit),
        "chosung": _distinct(rng, people, chosung, limit),
        "name": _distinct(rng, people, lambda e: e.name[1:] if rng.random() < 0.5 else e.name, limit),
        "english": _distinct(rng, people, lambda e: e.given_en if rng.random() < 0.5 else e.name_en, limit),
        "phone": _distinct(rng, people, lambda e: e.phone[-4:], limit),
    }
