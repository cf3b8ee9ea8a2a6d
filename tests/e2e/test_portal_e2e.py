"""The portal in a real browser against the real stack with the demo company: approvals end to end (one
approver through the emailed link), rejection and resubmission, boards, the portlet grid, administration
and English. Screenshots of the key screens go to docs/screenshots/."""

from __future__ import annotations

import email
import re
import sys
import time
from email import policy
from typing import Any

import pytest

from portal.demo_data import DEMO_PASSWORD, EMAIL_DOMAIN
from tests.conftest import ADMIN_PASSWORD
from tests.e2e.conftest import E2EStack, screenshot

pytestmark = pytest.mark.slow
# Generous: two cores shared with a PostgreSQL, a Temporal server, a worker and the API.
TIMEOUT = 30_000


def tid(name: str) -> str:
    return f'[data-testid="{name}"]'


def login(context: Any, username: str, password: str = DEMO_PASSWORD) -> Any:
    page = context.new_page()
    page.goto("/login")
    page.fill(tid("login-username"), username)
    page.fill(tid("login-password"), password)
    page.click(tid("login-submit"))
    page.wait_for_url(lambda url: "/login" not in url, timeout=TIMEOUT)
    return page


def open_document(page: Any, doc_id: int) -> None:
    page.goto(f"/approval/documents/{doc_id}")
    page.wait_for_selector(tid("document-page"), timeout=TIMEOUT)


def act(page: Any, action: str, comment: str | None = None) -> None:
    page.click(tid(f"doc-action-{action}"))
    if comment:
        page.fill(tid("action-comment"), comment)
    page.click(tid("action-confirm"))


def wait_status(page: Any, status: str) -> None:
    page.wait_for_selector(f'{tid("document-page")}[data-status="{status}"]', timeout=TIMEOUT)


def mail_link(stack: E2EStack, username: str, title: str, timeout: float = 30) -> str:
    """The action link in the newest approval-request mail to `username` about `title`."""
    address = f"{username}@{EMAIL_DOMAIN}"
    pattern = re.compile(re.escape(stack.base_url) + r"(/api/v1/approval/email-actions/[A-Za-z0-9_-]+)")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(stack.maildir.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True):
            msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            body = msg.get_body(("plain",))
            if address in str(msg["To"]) and title in str(msg["Subject"]) and body is not None:
                found = pattern.search(body.get_content())
                if found:
                    return found.group(1)
        time.sleep(0.3)
    raise AssertionError(f"no approval mail to {address} about {title!r}")


def write_document(page: Any, template: str, title: str, fields: dict[str, str]) -> None:
    page.goto(f"/approval/write/{template}")
    page.wait_for_selector(tid("line-steps"), timeout=TIMEOUT)  # the default line has loaded
    page.fill(tid("compose-title"), title)
    for key, value in fields.items():
        page.fill(tid(f"form-field-{key}"), value)
    page.fill(tid("compose-content"), "E2E 테스트 문서입니다.")


def submit_document(page: Any) -> int:
    page.click(tid("compose-submit"))
    page.click(tid("compose-submit-confirm"))
    page.wait_for_selector(tid("document-page"), timeout=TIMEOUT)
    return int(page.get_attribute(tid("document-page"), "data-document-id"))


def test_home_renders_every_portlet_and_the_time_is_measured(new_context, e2e_stack, capsys):
    context = new_context()
    first = context.new_page()
    first.goto("/login")
    first.wait_for_selector(tid("login-form"), timeout=TIMEOUT)
    screenshot(first, "login")
    page = login(context, "seojun.lee")
    page.wait_for_selector(tid("home-page"), timeout=TIMEOUT)
    samples = []
    for _ in range(3):
        start = time.perf_counter()
        page.goto("/")
        page.wait_for_function(
            """() => {
                const items = [...document.querySelectorAll('[data-testid^="grid-item-"]')];
                return items.length > 0 && items.every(i => i.querySelector('[data-testid^="portlet-body-"]'))
                    && !document.querySelector('[data-testid^="portlet-skeleton-"]');
            }""",
            timeout=TIMEOUT,
        )
        samples.append(time.perf_counter() - start)
    screenshot(page, "home")
    count = page.locator('[data-testid^="grid-item-"]').count()
    assert count >= 4
    with capsys.disabled():
        sys.stdout.write(f"\nhome: {count} portlets rendered in {', '.join(f'{s * 1000:.0f}' for s in samples)} ms "
                         f"(navigation to last portlet body, headless Chromium, demo data)\n")
    # The pending-approvals portlet lists the demo documents waiting for this 팀장.
    assert "팀 회식비 지출결의" in page.inner_text(tid("portlet-body-pending-approvals"))


def test_three_step_document_approved_in_turn_one_by_the_emailed_link(new_context, e2e_stack):
    title = "E2E 노트북 구매 품의"
    drafter = login(new_context(), "minseo.kang")
    write_document(drafter, "GEN", title, {"purpose": "개발 장비 교체"})
    # The default GEN line is 팀장 → 본부장; the CEO is added from the org chart as a third 결재 step.
    drafter.click(f'{tid("line-dept-node")}[data-dept="DEMO-HQ"]')
    drafter.click(tid("line-add-approval-jiwon.choi"), timeout=TIMEOUT)
    drafter.click(f'{tid("line-dept-node")}[data-dept="DEMO-MGMT"]')
    drafter.click(tid("line-add-reference-chaewon.lim"), timeout=TIMEOUT)
    assert drafter.locator('[data-testid^="line-step-"][data-kind]').count() == 3
    drafter.set_input_files(f'{tid("compose-attachments")} input[type=file]', files=[
        {"name": "견적서.txt", "mimeType": "text/plain", "buffer": "노트북 3대 견적".encode()}])
    screenshot(drafter, "approval-compose", full_page=True)
    doc_id = submit_document(drafter)
    wait_status(drafter, "in_progress")
    assert drafter.locator(tid("doc-attachment")).count() == 1

    lead = login(new_context(), "seojun.lee")
    lead.goto("/approval/boxes/pending")
    lead.wait_for_selector(f'{tid("approval-doc-link")}:has-text("{title}")', timeout=TIMEOUT)
    screenshot(lead, "approval-boxes")
    lead.click(f'{tid("approval-doc-link")}:has-text("{title}")')
    lead.wait_for_selector(tid("doc-action-approve"), timeout=TIMEOUT)
    act(lead, "approve", "검토했습니다.")
    lead.wait_for_selector('[data-testid^="stamp-0-"][data-status="approved"]', timeout=TIMEOUT)

    # 본부장 approves from the mail: the link opens a confirmation page; only its POST acts.
    link = mail_link(e2e_stack, "dohyun.kim", title)
    mailbox = new_context().new_page()
    mailbox.goto(link)
    mailbox.wait_for_selector('button[value="approve"]', timeout=TIMEOUT)
    screenshot(mailbox, "email-action-confirmation")
    mailbox.fill("#comment", "메일로 승인합니다.")
    mailbox.click('button[value="approve"]')
    mailbox.wait_for_load_state()
    assert "승인했습니다" in mailbox.content()

    ceo = login(new_context(), "jiwon.choi")
    open_document(ceo, doc_id)
    ceo.wait_for_selector(tid("doc-action-approve"), timeout=TIMEOUT)
    act(ceo, "approve")
    wait_status(ceo, "approved")

    open_document(drafter, doc_id)
    wait_status(drafter, "approved")
    number = drafter.inner_text(tid("doc-number"))
    assert re.fullmatch(r"GEN-\d{4}-\d{6}", number), number
    channels = drafter.locator(f'{tid("doc-history-item")}[data-action="approved"]')
    drafter.click("text=결재 이력")
    assert channels.count() == 3
    assert "메일" in drafter.inner_text(tid("doc-history"))
    screenshot(drafter, "approval-document-completed")


def test_rejection_then_resubmission_as_a_new_version(new_context, e2e_stack):
    title = "E2E 교육비 지원 요청"
    drafter = login(new_context(), "hyunwoo.cho")
    write_document(drafter, "GEN", title, {"purpose": "세무 실무 교육"})
    doc_id = submit_document(drafter)

    lead = login(new_context(), "seojun.lee")
    open_document(lead, doc_id)
    # A free comment (의견) before deciding: the drafter sees it next to the action comments.
    lead.fill(tid("doc-comment-input"), "교육 일정표가 있나요?")
    lead.click(tid("doc-comment-submit"))
    lead.wait_for_selector(f'{tid("doc-comments")} >> text=교육 일정표가 있나요?', timeout=TIMEOUT)
    lead.wait_for_selector(tid("doc-action-reject"), timeout=TIMEOUT)
    lead.click(tid("doc-action-reject"))
    assert lead.is_disabled(tid("action-confirm"))  # a reason is required
    lead.fill(tid("action-comment"), "교육 일정과 비용 내역을 첨부해 주세요.")
    lead.click(tid("action-confirm"))
    wait_status(lead, "rejected")

    open_document(drafter, doc_id)
    wait_status(drafter, "rejected")
    drafter.wait_for_selector(f'{tid("doc-comments")} >> text=교육 일정표가 있나요?', timeout=TIMEOUT)
    assert "비용 내역을 첨부해" in drafter.inner_text(tid("doc-comments"))
    screenshot(drafter, "approval-rejected")
    drafter.click(tid("doc-action-resubmit"))
    drafter.wait_for_selector(tid("compose-page"), timeout=TIMEOUT)
    drafter.fill(tid("compose-title"), title + " (보완)")
    new_id = submit_document(drafter)
    assert new_id != doc_id
    wait_status(drafter, "in_progress")
    assert drafter.locator(tid("doc-previous-version")).count() == 1


def test_board_post_with_a_comment_and_a_like(new_context, e2e_stack):
    page = login(new_context(), "eunbi.cho")
    page.goto("/board")
    page.click('[data-testid^="board-link-"]:has-text("자유게시판")', timeout=TIMEOUT)
    page.click(tid("post-write"), timeout=TIMEOUT)
    page.fill(tid("post-title-input"), "E2E 사내 카페 메뉴 제안")
    page.click(tid("post-editor-content"))
    page.keyboard.type("아이스 라떼를 추가해 주세요.")
    page.click(tid("post-submit"))
    page.wait_for_selector(tid("post-page"), timeout=TIMEOUT)
    page.fill(tid("comment-input"), "좋은 생각입니다!")
    page.click(tid("comment-submit"))
    page.wait_for_selector(f'{tid("comments")} >> text=좋은 생각입니다!', timeout=TIMEOUT)
    page.click(tid("post-like"))
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"post-like-count\"]')?.textContent.trim() === '1'",
        timeout=TIMEOUT)
    page.reload()
    page.wait_for_selector(f'{tid("comments")} >> text=좋은 생각입니다!', timeout=TIMEOUT)
    assert page.inner_text(tid("post-like-count")).strip() == "1"
    screenshot(page, "board-post")


def _positions(page: Any) -> dict[str, tuple[float, float]]:
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('[data-testid^="grid-item-"]')]
        .map(e => { const r = e.getBoundingClientRect();
                    return [e.dataset.testid, [Math.round(r.x), Math.round(r.y)]]; }))""")


def test_dragging_a_portlet_persists_after_reload(new_context, e2e_stack):
    page = login(new_context(), "dain.jung")
    page.wait_for_selector('[data-testid^="portlet-drag-"]', timeout=TIMEOUT)
    before = _positions(page)
    handles = page.locator('[data-testid^="portlet-drag-"]')
    first, last = handles.first.bounding_box(), handles.last.bounding_box()
    page.mouse.move(first["x"] + 20, first["y"] + first["height"] / 2)
    page.mouse.down()
    for step in range(1, 21):  # react-grid-layout needs real intermediate moves
        page.mouse.move(first["x"] + 20 + (last["x"] - first["x"]) * step / 20,
                        first["y"] + (last["y"] - first["y"] + 60) * step / 20 + first["height"] / 2)
    page.mouse.up()
    page.wait_for_selector(f'{tid("layout-status")}[data-state="saved"]', timeout=TIMEOUT)
    after = _positions(page)
    assert after != before
    page.reload()
    page.wait_for_selector('[data-testid^="portlet-drag-"]', timeout=TIMEOUT)
    page.wait_for_timeout(500)
    assert _positions(page) == after


def test_admin_creates_a_department_and_a_user_who_can_then_sign_in(new_context, e2e_stack):
    admin = login(new_context(), "admin", ADMIN_PASSWORD)
    admin.goto("/admin/departments")
    admin.click(tid("department-add"), timeout=TIMEOUT)
    admin.fill(tid("department-name"), "품질보증팀")
    admin.fill(tid("department-code"), "E2E-QA")
    admin.click(tid("department-save"))
    admin.wait_for_selector(tid("dept-node-E2E-QA"), timeout=TIMEOUT)
    screenshot(admin, "admin-departments")

    admin.goto("/admin/users")
    admin.click(tid("user-add"), timeout=TIMEOUT)
    admin.fill(tid("user-username"), "e2e.newhire")
    admin.fill(tid("user-name"), "신입사원")
    admin.fill(tid("user-name-en"), "New Hire")
    admin.fill(tid("user-email"), "e2e.newhire@demo.example.com")
    admin.fill(tid("user-password"), "Welcome-2026!")
    admin.fill(tid("user-position"), "사원")
    admin.click(tid("user-save"))
    admin.fill(tid("user-search"), "e2e.newhire")
    admin.press(tid("user-search"), "Enter")
    admin.wait_for_selector(tid("user-row-e2e.newhire"), timeout=TIMEOUT)
    screenshot(admin, "admin-users")

    admin.goto("/admin/statistics")
    admin.wait_for_selector(tid("chart-logins"), timeout=TIMEOUT)
    screenshot(admin, "admin-statistics")

    newcomer = login(new_context(), "e2e.newhire", "Welcome-2026!")
    newcomer.wait_for_selector(tid("home-page"), timeout=TIMEOUT)


def test_switching_to_english(new_context, e2e_stack):
    page = login(new_context(), "seojun.lee")
    page.goto("/approval/boxes/pending")
    page.wait_for_selector(tid("approval-box-pending"), timeout=TIMEOUT)
    assert "결재 대기" in page.inner_text(tid("approval-menu"))
    page.click(tid("language-en"))
    page.wait_for_function("() => document.querySelector('[data-testid=\"approval-menu\"]').innerText"
                           ".includes('Awaiting me')", timeout=TIMEOUT)
    page.click(f'{tid("approval-doc-link")} >> nth=0')
    page.wait_for_selector(tid("document-page"), timeout=TIMEOUT)
    assert "Approval boxes" in page.inner_text(tid("document-page"))
    screenshot(page, "approval-document-english")
    page.reload()
    page.wait_for_selector(tid("document-page"), timeout=TIMEOUT)
    assert "Approval boxes" in page.inner_text(tid("document-page"))


def test_admin_connects_active_directory_and_its_users_sign_in(new_context, e2e_stack, samba_dc):
    """Issue 4's "done when", in the browser: configure, test, run; AD users appear and log in by bind."""
    from tests.adsync.directory_admin import DirectoryAdmin
    from tests.adsync.samba import ADMIN_DN, BASE_DN, CERT_NAME, HOST
    from tests.adsync.samba import ADMIN_PASSWORD as AD_ADMIN_PASSWORD

    samba_dc.reset()
    directory = DirectoryAdmin.connect(ca=samba_dc.ca_certificate)
    corp = directory.add_ou(f"OU=E2E Corp,{BASE_DN}")
    team = directory.add_ou(f"OU=인사팀,{corp}")
    directory.add_user("ad.jiyoon", team, display_name="한지윤", mail="ad.jiyoon@corp.example.com",
                       title="과장", password="Ad-E2E-Pass-1")
    directory.add_user("ad.taeho", team, display_name="윤태호", password="Ad-E2E-Pass-2")
    directory.close()

    admin = login(new_context(), "admin", ADMIN_PASSWORD)
    admin.goto("/admin/adsync")
    admin.wait_for_selector(tid("adsync-form"), timeout=TIMEOUT)
    admin.fill(tid("adsync-server"), f"ldaps://{HOST}")
    admin.fill(tid("adsync-bind-dn"), ADMIN_DN)
    admin.fill(tid("adsync-bind-password"), AD_ADMIN_PASSWORD)
    admin.fill(tid("adsync-base-dns"), corp)
    admin.fill(tid("adsync-tls-name"), CERT_NAME)
    admin.fill(tid("adsync-ca"), samba_dc.ca_certificate)
    admin.click(tid("adsync-test"))
    admin.wait_for_selector(f'{tid("adsync-test-result")}[data-ok="true"]', timeout=TIMEOUT)
    admin.click(tid("adsync-save"))
    admin.wait_for_function(
        "() => !document.querySelector('[data-testid=\"adsync-bind-password\"]')?.value", timeout=TIMEOUT)
    assert AD_ADMIN_PASSWORD not in admin.content()  # the stored password never comes back to the page

    admin.click(tid("adsync-run"))
    admin.wait_for_selector(f'{tid("adsync-logs")} >> text=/완료|Completed/', timeout=60_000)
    screenshot(admin, "admin-adsync", full_page=True)
    admin.goto("/admin/users")
    admin.fill(tid("user-search"), "ad.jiyoon")
    admin.press(tid("user-search"), "Enter")
    admin.wait_for_selector(tid("user-row-ad.jiyoon"), timeout=TIMEOUT)
    assert "한지윤" in admin.inner_text(tid("user-row-ad.jiyoon"))

    employee = login(new_context(), "ad.jiyoon", "Ad-E2E-Pass-1")
    employee.wait_for_selector(tid("home-page"), timeout=TIMEOUT)
    assert "한지윤" in employee.inner_text(tid("user-menu"))
