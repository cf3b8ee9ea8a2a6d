"""The demo company as plain data: departments, 40 employees, boards, posts and approval scenarios.

`portal.demo` turns these tables into rows and workflow runs; nothing here touches a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Every demo user logs in with this password (development only; the demo is off in production).
DEMO_PASSWORD = "Demo1234!!"
EMAIL_DOMAIN = "demo.example.com"
ROOT_CODE = "DEMO-HQ"  # the demo's root department: its presence is how a re-run recognises the demo


@dataclass(frozen=True)
class Dept:
    code: str
    name: str
    parent: str | None
    manager: str  # username
    sort_order: int


DEPARTMENTS: list[Dept] = [
    Dept("DEMO-HQ", "본사", None, "jiwon.choi", 0),
    Dept("DEMO-MGMT", "경영지원본부", "DEMO-HQ", "dohyun.kim", 1),
    Dept("DEMO-FIN", "재무팀", "DEMO-MGMT", "seojun.lee", 1),
    Dept("DEMO-RND", "기술연구소", "DEMO-HQ", "sungmin.hong", 2),
    Dept("DEMO-PLAT", "플랫폼개발팀", "DEMO-RND", "junhyuk.park", 1),
]


@dataclass(frozen=True)
class Person:
    username: str
    name: str
    name_en: str
    dept: str
    position: str
    job_title: str
    roles: tuple[str, ...] = ("user",)


def _p(username: str, name: str, name_en: str, dept: str, position: str, job: str, *roles: str) -> Person:
    return Person(username, name, name_en, dept, position, job, roles or ("user",))


PEOPLE: list[Person] = [
    _p("jiwon.choi", "최지원", "Jiwon Choi", "DEMO-HQ", "대표", "대표이사"),
    _p("seoyeon.han", "한서연", "Seoyeon Han", "DEMO-HQ", "부장", "비서실장"),
    _p("minjae.oh", "오민재", "Minjae Oh", "DEMO-HQ", "차장", "전략기획"),
    _p("haeun.yoon", "윤하은", "Haeun Yoon", "DEMO-HQ", "과장", "대외협력"),
    _p("dohyun.kim", "김도현", "Dohyun Kim", "DEMO-MGMT", "본부장", "경영지원본부장"),
    _p("subin.jang", "장수빈", "Subin Jang", "DEMO-MGMT", "부장", "인사"),
    _p("chaewon.lim", "임채원", "Chaewon Lim", "DEMO-MGMT", "차장", "총무"),
    _p("yejun.shin", "신예준", "Yejun Shin", "DEMO-MGMT", "대리", "법무"),
    _p("nayeon.kwon", "권나연", "Nayeon Kwon", "DEMO-MGMT", "사원", "인사"),
    _p("seojun.lee", "이서준", "Seojun Lee", "DEMO-FIN", "팀장", "재무팀장", "user", "dept_admin"),
    _p("jimin.park", "박지민", "Jimin Park", "DEMO-FIN", "과장", "자금"),
    _p("yujin.jung", "정유진", "Yujin Jung", "DEMO-FIN", "대리", "회계"),
    _p("minseo.kang", "강민서", "Minseo Kang", "DEMO-FIN", "대리", "구매"),
    _p("hyunwoo.cho", "조현우", "Hyunwoo Cho", "DEMO-FIN", "주임", "세무"),
    _p("soyoon.bae", "배소윤", "Soyoon Bae", "DEMO-FIN", "사원", "회계"),
    _p("jiho.hwang", "황지호", "Jiho Hwang", "DEMO-FIN", "사원", "구매"),
    _p("daeun.seo", "서다은", "Daeun Seo", "DEMO-FIN", "사원", "자금"),
    _p("woojin.song", "송우진", "Woojin Song", "DEMO-FIN", "사원", "회계"),
    _p("sua.ahn", "안수아", "Sua Ahn", "DEMO-FIN", "사원", "구매"),
    _p("sungmin.hong", "홍성민", "Sungmin Hong", "DEMO-RND", "본부장", "연구소장"),
    _p("jaehyun.yoo", "유재현", "Jaehyun Yoo", "DEMO-RND", "부장", "수석연구원"),
    _p("harin.jeon", "전하린", "Harin Jeon", "DEMO-RND", "차장", "책임연구원"),
    _p("taeyoon.ko", "고태윤", "Taeyoon Ko", "DEMO-RND", "과장", "선임연구원"),
    _p("jia.moon", "문지아", "Jia Moon", "DEMO-RND", "대리", "연구원"),
    _p("junhyuk.park", "박준혁", "Junhyuk Park", "DEMO-PLAT", "팀장", "플랫폼개발팀장"),
    _p("minjun.kim", "김민준", "Minjun Kim", "DEMO-PLAT", "과장", "백엔드"),
    _p("jieun.lee", "이지은", "Jieun Lee", "DEMO-PLAT", "과장", "프론트엔드"),
    _p("woosung.choi", "최우성", "Woosung Choi", "DEMO-PLAT", "대리", "인프라"),
    _p("dain.jung", "정다인", "Dain Jung", "DEMO-PLAT", "대리", "백엔드"),
    _p("hyunseo.kang", "강현서", "Hyunseo Kang", "DEMO-PLAT", "대리", "QA"),
    _p("eunbi.cho", "조은비", "Eunbi Cho", "DEMO-PLAT", "주임", "디자인"),
    _p("siwoo.yoon", "윤시우", "Siwoo Yoon", "DEMO-PLAT", "주임", "프론트엔드"),
    _p("yerin.jang", "장예린", "Yerin Jang", "DEMO-PLAT", "사원", "백엔드"),
    _p("doyoon.lim", "임도윤", "Doyoon Lim", "DEMO-PLAT", "사원", "인프라"),
    _p("jian.han", "한지안", "Jian Han", "DEMO-PLAT", "사원", "프론트엔드"),
    _p("seunghyun.oh", "오승현", "Seunghyun Oh", "DEMO-PLAT", "사원", "백엔드"),
    _p("minji.seo", "서민지", "Minji Seo", "DEMO-PLAT", "사원", "QA"),
    _p("donghyun.shin", "신동현", "Donghyun Shin", "DEMO-PLAT", "사원", "데이터"),
    _p("taehee.kwon", "권태희", "Taehee Kwon", "DEMO-PLAT", "사원", "데이터"),
    _p("bora.hwang", "황보라", "Bora Hwang", "DEMO-PLAT", "사원", "디자인"),
]


@dataclass(frozen=True)
class BoardSpec:
    key: str
    name: str
    description: str
    type: str  # notice | general | department
    dept: str | None = None


BOARDS: list[BoardSpec] = [
    BoardSpec("notice", "공지사항", "회사 공지 / Company notices", "notice"),
    BoardSpec("free", "자유게시판", "누구나 자유롭게 / Open to everyone", "general"),
    BoardSpec("plat", "플랫폼개발팀 게시판", "팀 내부 공유 / Team only", "department", "DEMO-PLAT"),
]


@dataclass(frozen=True)
class PostSpec:
    board: str
    author: str  # "admin" or a demo username
    title: str
    content: str
    days_ago: int
    notice: bool = False
    pinned: bool = False
    comments: tuple[tuple[str, str], ...] = ()  # (author, text); a text starting with "↳ " replies to the first
    likes: tuple[str, ...] = ()


POSTS: list[PostSpec] = [
    PostSpec("notice", "admin", "전자결재 시스템 오픈 안내",
             "<p>오늘부터 모든 품의는 <strong>전자결재</strong>로 상신해 주세요.</p><ul><li>일반기안</li>"
             "<li>지출결의</li><li>휴가신청</li></ul>", 20, notice=True, pinned=True,
             comments=(("minjun.kim", "드디어! 종이 결재 안녕입니다."), ("jimin.park", "↳ 지출결의 양식이 편하네요.")),
             likes=("minjun.kim", "jimin.park", "seojun.lee", "dain.jung")),
    PostSpec("notice", "admin", "연말 정산 서류 제출 일정", "<p>1월 15일까지 인사팀으로 제출 바랍니다.</p>", 9,
             notice=True, comments=(("nayeon.kwon", "제출 양식은 인사팀 게시판에 있습니다."),),
             likes=("subin.jang",)),
    PostSpec("notice", "admin", "사옥 엘리베이터 정기 점검 (토요일)", "<p>토요일 09:00~12:00 점검이 있습니다.</p>", 3,
             notice=True),
    PostSpec("free", "eunbi.cho", "점심 맛집 추천 받습니다", "<p>회사 근처 새로 생긴 곳 아시는 분?</p>", 6,
             comments=(("siwoo.yoon", "2층 칼국수집 추천합니다."), ("yerin.jang", "↳ 저도 거기 좋아요!"),
                       ("hyunseo.kang", "수요일은 붐벼요.")),
             likes=("siwoo.yoon", "yerin.jang", "jian.han")),
    PostSpec("free", "taeyoon.ko", "사내 동호회 - 주말 등산 모임 모집", "<p>이번 달 북한산 갑니다. 댓글로 신청!</p>", 5,
             comments=(("jia.moon", "참가합니다."), ("harin.jeon", "저도요.")), likes=("jia.moon",)),
    PostSpec("free", "soyoon.bae", "법인카드 사용 팁 공유", "<p>지출결의 시 영수증 사진을 꼭 첨부하세요.</p>", 4,
             comments=(("seojun.lee", "좋은 정리 감사합니다."),), likes=("seojun.lee", "yujin.jung")),
    PostSpec("free", "minjae.oh", "2026년 사업계획 워크숍 후기", "<p>발표 자료는 첨부 예정입니다.</p>", 2),
    PostSpec("free", "bora.hwang", "새 로고 시안 의견 부탁드려요", "<p>A안, B안 중 어떤 게 좋으세요?</p>", 1,
             comments=(("jieun.lee", "B안이요!"), ("dain.jung", "A안이 더 깔끔해요.")),
             likes=("jieun.lee", "dain.jung", "eunbi.cho")),
    PostSpec("plat", "junhyuk.park", "스프린트 회고 일정", "<p>금요일 16시, 3층 회의실.</p>", 3, pinned=False,
             comments=(("minjun.kim", "확인했습니다."),)),
    PostSpec("plat", "woosung.choi", "스테이징 서버 점검 공지", "<p>목요일 밤 배포 동결.</p>", 1,
             likes=("junhyuk.park",)),
]


@dataclass(frozen=True)
class Step:
    approvers: tuple[str, ...]
    kind: str = "approval"  # approval | agreement
    rule: str = "all"
    required: int | None = None


def line(*usernames: str) -> tuple[Step, ...]:
    return tuple(Step((u,)) for u in usernames)


@dataclass(frozen=True)
class Action:
    actor: str
    action: str  # approve | reject | withdraw | hold | resume | cancel_approval | resubmit
    comment: str | None = None
    final: bool = False


@dataclass(frozen=True)
class Scenario:
    """One demo document: drafted, optionally submitted, then acted on, ending in `expect` status."""

    author: str
    template: str
    title: str
    form: dict[str, Any]
    steps: tuple[Step, ...]
    expect: str
    content: str = ""
    references: tuple[str, ...] = ()
    receivers: tuple[str, ...] = ()
    attachment: tuple[str, str] | None = None  # (filename, text)
    submit: bool = True
    actions: tuple[Action, ...] = field(default_factory=tuple)


FIN_LINE = line("seojun.lee", "dohyun.kim", "jiwon.choi")
# 대결: the RND head's approvals go to his deputy while he is away (dated delegation, created first).
DELEGATIONS = [("sungmin.hong", "jaehyun.yoo", "해외 출장 / Business trip")]

SCENARIOS: list[Scenario] = [
    Scenario("jimin.park", "EXP", "3분기 사무용품 구매 (작성 중)",
             {"amount": 184000, "spent_on": "2026-09-12", "account": "소모품비"}, FIN_LINE, "draft", submit=False,
             content="복합기 토너와 A4 용지 구매 건입니다."),
    Scenario("minjun.kim", "LEAVE", "연차 신청 (작성 중)",
             {"leave_type": "연차", "start_date": "2026-12-24", "end_date": "2026-12-26"},
             line("junhyuk.park"), "draft", submit=False),
    Scenario("yujin.jung", "EXP", "팀 회식비 지출결의",
             {"amount": 356000, "spent_on": "2026-11-14", "account": "복리후생비", "vendor": "한우마을"},
             FIN_LINE, "in_progress", content="11월 팀 회식 비용입니다.", references=("jimin.park",),
             attachment=("영수증.txt", "한우마을 356,000원 카드 승인"),
             actions=(Action("seojun.lee", "approve", "확인했습니다."),
                      Action("seojun.lee", "cancel_approval", "금액 재확인 필요"))),
    Scenario("minseo.kang", "GEN", "신규 협력사 등록 요청", {"purpose": "원자재 공급처 다변화"},
             line("seojun.lee", "dohyun.kim"), "in_progress", content="(주)한빛소재를 협력사로 등록하고자 합니다.",
             receivers=("chaewon.lim",), actions=(Action("seojun.lee", "approve", "검토 완료"),)),
    Scenario("minjun.kim", "GEN", "사내 메신저 도입 검토", {"purpose": "협업 도구 통일"},
             (Step(("junhyuk.park",)), Step(("seojun.lee", "subin.jang"), "agreement", "all"),
              Step(("sungmin.hong",))), "in_progress",
             content="보안 검토와 비용 협의가 필요합니다.", references=("jieun.lee", "woosung.choi"),
             actions=(Action("junhyuk.park", "approve"), Action("seojun.lee", "approve", "예산 범위 내입니다."))),
    Scenario("hyunwoo.cho", "GEN", "부가세 신고 자료 제출 보고", {"purpose": "2기 예정 신고"},
             line("seojun.lee", "dohyun.kim"), "approved", content="신고 자료를 첨부합니다.",
             attachment=("부가세_자료.txt", "매출 1,200,000,000 / 매입 840,000,000"), receivers=("jiwon.choi",),
             actions=(Action("seojun.lee", "approve"), Action("dohyun.kim", "approve", "수고 많았습니다."))),
    Scenario("jieun.lee", "LEAVE", "반차 신청", {"leave_type": "반차(오후)", "start_date": "2026-11-28",
                                                "end_date": "2026-11-28", "reason": "병원 진료"},
             line("junhyuk.park"), "approved", actions=(Action("junhyuk.park", "approve"),)),
    Scenario("soyoon.bae", "EXP", "교육훈련비 지출결의 (전결)",
             {"amount": 450000, "spent_on": "2026-11-03", "account": "교육훈련비", "vendor": "한국회계교육원"},
             FIN_LINE, "approved", content="IFRS 실무 과정 수강료.",
             actions=(Action("seojun.lee", "approve"),
                      Action("dohyun.kim", "approve", "전결 처리합니다.", final=True))),
    Scenario("woosung.choi", "GEN", "클라우드 비용 절감안 보고 (대결)", {"purpose": "월 비용 20% 절감"},
             line("junhyuk.park", "sungmin.hong"), "approved", content="예약 인스턴스 전환 계획입니다.",
             actions=(Action("junhyuk.park", "approve"), Action("jaehyun.yoo", "approve", "소장님 출장 중 대결"))),
    Scenario("jiho.hwang", "EXP", "해외 출장비 정산",
             {"amount": 2380000, "spent_on": "2026-10-21", "account": "여비교통비"}, FIN_LINE, "rejected",
             actions=(Action("seojun.lee", "reject", "항공권 영수증이 누락되었습니다. 첨부 후 재기안 바랍니다."),)),
    Scenario("daeun.seo", "GEN", "법인 계좌 추가 개설 요청", {"purpose": "급여 이체 전용 계좌"},
             line("seojun.lee", "dohyun.kim"), "in_progress",
             actions=(Action("seojun.lee", "approve"),
                      Action("dohyun.kim", "reject", "사유를 구체적으로 보완해 주세요."),
                      Action("daeun.seo", "resubmit"))),
    Scenario("woojin.song", "GEN", "회의실 예약 시스템 개선 요청", {"purpose": "중복 예약 방지"},
             line("seojun.lee", "dohyun.kim"), "withdrawn", actions=(Action("woojin.song", "withdraw"),)),
    Scenario("sua.ahn", "EXP", "사무용 의자 교체 구매",
             {"amount": 3200000, "spent_on": "2026-11-18", "account": "소모품비", "vendor": "오피스체어"},
             FIN_LINE, "on_hold", references=("chaewon.lim",),
             actions=(Action("seojun.lee", "approve"), Action("dohyun.kim", "hold", "4분기 예산 확정 후 진행"))),
]
