"""The shortlist travels in each page's address (``ids=``, decision 0007): these tags read
it and carry it on, so links, searches and "Add to list" keep the caseworker's picks."""

from urllib.parse import urlencode

from django import template
from django.core.exceptions import SuspiciousOperation, ValidationError

from apps.referrals.forms import ServiceIdsField

register = template.Library()

# Stands for the list's query string in kept cards (apps/directory/cards.py), which are
# shared by every visitor and so cannot hold anyone's list; each answer puts its own in.
LIST_MARKER = "?waymark-list-marker"


def read_list(request) -> tuple[list[int], bool]:
    """(the ids in the address, whether something unreadable was dropped)."""
    if request is None:
        return [], False
    try:
        if "ids" not in request.GET:
            return [], False
        return ServiceIdsField(required=False).clean(request.GET.getlist("ids")), False
    except (ValidationError, SuspiciousOperation):  # also far too many parameters
        return [], True


def list_query_for(ids) -> str:
    return "?" + urlencode({"ids": list(ids)}, doseq=True) if ids else ""


@register.simple_tag(takes_context=True)
def carried_ids(context) -> list[int]:
    """The list already in this page's address (``ids=``), so adding a service keeps it."""
    return read_list(context.get("request"))[0]


@register.simple_tag(takes_context=True)
def list_unreadable(context) -> bool:
    return read_list(context.get("request"))[1]


@register.simple_tag(takes_context=True)
def list_query(context) -> str:
    """``?ids=1&ids=5`` to put after a link's path, or "" when no list is being built."""
    if "list_marker" in context:
        return context["list_marker"]
    return list_query_for(carried_ids(context))


@register.simple_tag(takes_context=True)
def other_parameters(context) -> list[tuple[str, str]]:
    """This page's GET parameters other than the list (filters, a page number), so a form
    that reloads the page with a longer list keeps them."""
    request = context.get("request")
    if request is None or read_list(request)[1]:
        return []
    return [
        (name, value) for name, values in request.GET.lists() if name != "ids" for value in values
    ]
