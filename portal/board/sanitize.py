"""Rich text from the post editor, reduced to a safe subset of HTML (no scripts, handlers or js: URLs)."""

from __future__ import annotations

import nh3

TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "blockquote", "pre", "code", "strong", "b", "em", "i", "u", "s",
    "del", "sub", "sup", "span", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
}


def clean_html(html: str) -> str:
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer nofollow", strip_comments=True)
