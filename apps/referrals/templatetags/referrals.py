from django import template
from django.core.exceptions import ValidationError

from apps.referrals.forms import ServiceIdsField

register = template.Library()


@register.simple_tag(takes_context=True)
def carried_ids(context) -> list[int]:
    """The list already in this page's address (``ids=``), so adding a service keeps it."""
    request = context.get("request")
    if request is None:
        return []
    try:
        return ServiceIdsField(required=False).clean(request.GET.getlist("ids"))
    except ValidationError:
        return []
