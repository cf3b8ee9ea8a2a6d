"""Wording of approval notifications in Korean and English (subject line and one-sentence body)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, tuple[str, str]]] = {
    "ko": {
        "submitted": ("[참조] {title}", "{drafter}님이 상신한 문서에 참조자로 지정되었습니다."),
        "pending": ("[결재 요청] {title}", "{drafter}님이 상신한 문서의 결재 차례입니다."),
        "reminder": ("[결재 독촉] {title}", "결재 기한이 지났습니다. 문서를 확인해 주세요."),
        "escalated": ("[결재 지연] {title}", "담당자의 결재가 지연되고 있어 관리자께 알려드립니다."),
        "approved": ("[결재 완료] {title}", "문서가 최종 승인되었습니다. 문서번호: {number}"),
        "rejected": ("[반려] {title}", "문서가 반려되었습니다. 의견: {comment}"),
        "withdrawn": ("[회수] {title}", "기안자가 문서를 회수했습니다."),
        "received": ("[수신] {title}", "결재가 완료된 문서가 수신되었습니다. 문서번호: {number}"),
    },
    "en": {
        "submitted": ("[Reference] {title}", "You are a reference on a document submitted by {drafter}."),
        "pending": ("[Approval request] {title}", "It is your turn to approve a document from {drafter}."),
        "reminder": ("[Reminder] {title}", "This document is past its approval deadline. Please review it."),
        "escalated": ("[Overdue] {title}", "An approver has not acted in time; you are their manager."),
        "approved": ("[Approved] {title}", "The document was approved. Document number: {number}"),
        "rejected": ("[Rejected] {title}", "The document was rejected. Comment: {comment}"),
        "withdrawn": ("[Withdrawn] {title}", "The drafter withdrew the document."),
        "received": ("[Received] {title}", "An approved document was sent to you. Document number: {number}"),
    },
}

UI: dict[str, dict[str, str]] = {
    "ko": {"open": "문서 열기", "act": "메일에서 결재하기", "footer": "이 메일은 그룹웨어에서 자동 발송되었습니다."},
    "en": {"open": "Open document", "act": "Approve from this email", "footer": "Sent automatically by Groupware."},
}


def render_text(locale: str, event: str, **values: object) -> tuple[str, str]:
    table = MESSAGES.get(locale, MESSAGES["ko"])
    subject, body = table.get(event, table["pending"])
    safe = {k: ("" if v is None else v) for k, v in values.items()}
    return subject.format(**safe), body.format(**safe)
