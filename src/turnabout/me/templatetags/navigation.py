"""`{% load navigation %}{% current_section as section %}`: the section the page names.

A page names its section with `{% block section %}…{% endblock %}`; base.html reads that
block (the most derived template's) without printing it, and marks the link of that
section as the current one. The block may use the view's context; nothing is queried here.
"""

from __future__ import annotations

from django import template
from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockContext

register = template.Library()


@register.simple_tag(takes_context=True)
def current_section(context: template.Context) -> str:
    block_context: BlockContext | None = context.render_context.get(BLOCK_CONTEXT_KEY)
    if block_context is None:
        return ""
    block = block_context.get_block("section")
    if block is None:
        return ""
    return str(block.nodelist.render(context)).strip()
