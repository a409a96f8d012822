"""Render the offline narrative: blocks separated by blank lines, each with a heading line."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()
NUMBERED = re.compile(r"^\d+\.\s+")
CODE = re.compile(r"`([^`]+)`")


def _inline(text: str) -> str:
    return CODE.sub(r"<code>\1</code>", escape(text))


@register.filter
def narrative_html(text: str) -> str:
    parts = []
    for block in (b for b in text.strip().split("\n\n") if b.strip()):
        heading, *lines = block.split("\n")
        parts.append(f"<h4>{_inline(heading)}</h4>")
        in_list = False
        for line in lines:
            if NUMBERED.match(line):
                if not in_list:
                    parts.append("<ol>")
                    in_list = True
                parts.append(f"<li>{_inline(NUMBERED.sub('', line, count=1))}</li>")
                continue
            if in_list:
                parts.append("</ol>")
                in_list = False
            parts.append(f"<p>{_inline(line)}</p>")
        if in_list:
            parts.append("</ol>")
    return mark_safe("\n".join(parts))
