"""Shortlists, referral sheets, reference codes and contact cards (R1–R4).

No account, no cookie, no session: the list travels in the query string as ``ids=``
(numbers only, so nothing in a URL or the history says what the services are for).
POST bodies carry what must not reach a URL or a log: search words and the caseworker's
note, which is printed and never stored.
"""

from urllib.parse import urlencode

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from apps.core.i18n import translated_value
from apps.core.security import same_origin_required
from apps.directory.forms import SearchForm
from apps.directory.models import Region, Service
from apps.directory.search import search_service_ids

from .forms import MAX_SERVICES, DisplayForm, OpenCodeForm, SendForm, SheetForm, ShortlistForm
from .models import ReferenceCode, code_lifetime, normalise_code
from .sending import message
from .services import EmptyList, reference_code_create
from .sheets import build_sheet, listed_services, qr_svg, reveals_purpose, sheet_services
from .vcard import service_vcard

MAX_CANDIDATES = 50


class SeeOther(HttpResponseRedirect):
    status_code = 303


def ids_query(ids) -> str:
    return urlencode({"ids": list(ids)}, doseq=True)


def _with_ids(url_name: str, ids, *args) -> str:
    url = reverse(url_name, args=args)
    return f"{url}?{ids_query(ids)}" if ids else url


def area_choices() -> list[tuple[Region, str]]:
    """Every region, each under the one containing it, with a dash per level."""
    regions = {region.pk: region for region in Region.objects.all()}

    def path(region):
        chain = []
        while region is not None:
            chain.append(region.code.upper())
            region = regions.get(region.parent_id)
        return chain[::-1]

    ordered = sorted(regions.values(), key=path)
    return [(region, "– " * (len(path(region)) - 1)) for region in ordered]


def _shortlist(request):
    """The list from the query string; bad input gives an empty list and a 400."""
    form = ShortlistForm(request.GET)
    if form.is_valid():
        return form, form.cleaned_data["ids"], form.cleaned_data["area"]
    ids = form.cleaned_data.get("ids", []) if "ids" not in form.errors else []
    return form, ids, None


def _render_build(request, *, form, services, status=200, sheet_form=None, **extra):
    ids = [service.pk for service in services]
    context = {
        "form": form,
        "services": services,
        "ids": ids,
        "ids_query": ids_query(ids),
        "regions": area_choices(),
        "search_form": SearchForm(),
        "sheet_form": sheet_form or SheetForm(),
        "open_form": OpenCodeForm(),
        "lifetime_days": code_lifetime().days,
        "max_services": MAX_SERVICES,
        "list_page": True,  # the list's own errors are shown by the page itself
        **extra,
    }
    return render(request, "referrals/build.html", context, status=status)


@csrf_exempt  # Visitors have no CSRF cookie (QE-12); the same-origin check replaces it.
@same_origin_required
@require_http_methods(["GET", "HEAD", "POST"])
def build(request):
    """Pick services into a list: by area (GET) or by search words (POST, QE-14)."""
    form, ids, area = _shortlist(request)
    status = 200 if form.is_valid() else 400
    services = listed_services(ids)
    in_list = [service.pk for service in services]
    published = Service.objects.published().exclude(pk__in=in_list)
    candidates, search_form, searched = None, SearchForm(), False
    if request.method == "POST":
        search_form = SearchForm(request.POST)
        if search_form.is_valid():
            matches = search_service_ids(
                search_form.cleaned_data["q"], translation.get_language(), among=published
            )
            found = list(matches[:MAX_CANDIDATES])
            candidates, searched = listed_services(found), True
        else:
            status = 400
    elif area is not None:
        candidates = list(published.serving(area).select_related("organization").order_by("name"))
    return _render_build(
        request,
        form=form,
        services=services,
        status=status,
        area=area,
        candidates=candidates,
        searched=searched,
        search_form=search_form,
    )


@csrf_exempt
@same_origin_required
@require_http_methods(["GET", "HEAD", "POST"])
def sheet(request):
    """The printable sheet. POST only, so the note never reaches a URL, a log or the disk."""
    form, ids, _area = _shortlist(request)
    if request.method != "POST":
        # A language switch or a reload lands here by GET: back to the list, note gone.
        return SeeOther(_with_ids("referrals:build", ids))
    sheet_form = SheetForm(request.POST)
    if not form.is_valid() or not sheet_form.is_valid():
        return _render_build(
            request, form=form, services=listed_services(ids), status=400, sheet_form=sheet_form
        )
    options = sheet_form.cleaned_data
    code = None
    if options["code"]:
        code = ReferenceCode.objects.active().filter(code=options["code"]).first()
        if code is not None:
            ids = code.service_ids  # a code's sheet shows exactly the code's list
    services = sheet_services(ids)
    if not services:
        return _render_build(
            request, form=form, services=[], status=400, sheet_form=sheet_form, empty=True
        )
    if not sheet_form.check_compact(services):
        return _render_build(
            request, form=form, services=listed_services(ids), status=400, sheet_form=sheet_form
        )
    languages = sheet_form.languages
    built = build_sheet(services, languages, discreet=options["discreet"])
    context = {
        "sheet": built,
        "layout": options["layout"],
        "note": options["note"],
        "ids_query": ids_query([service.pk for service in services]),
        **_code_context(request, code, languages[0], options["discreet"]),
    }
    return render(request, "referrals/sheet.html", context)


def _code_context(request, code, language, discreet) -> dict:
    if code is None:
        return {"code": None}
    with translation.override(language):
        path = reverse("referrals:code", args=[code.code])
        title = _("QR code that opens this list again")
    url = request.build_absolute_uri(path + ("?discreet=1" if discreet else ""))
    return {"code": code, "code_url": url, "qr": qr_svg(url, title)}


@csrf_exempt
@same_origin_required
@require_POST
def code_create(request):
    """Make a reference code for the list, then show it (post/redirect/get)."""
    form, ids, _area = _shortlist(request)
    if not form.is_valid():
        return _render_build(request, form=form, services=[], status=400)
    try:
        code = reference_code_create(service_ids=ids)
    except EmptyList:
        return _render_build(request, form=form, services=[], status=400, empty=True)
    return SeeOther(reverse("referrals:code", args=[code.code]))


@require_safe
def code_open(request):
    """The "open a list" box: a typed code, with or without its dash, in any case."""
    form = OpenCodeForm(request.GET)
    if form.is_valid():
        return SeeOther(reverse("referrals:code", args=[form.cleaned_data["code"]]))
    return render(request, "referrals/unknown.html", {"open_form": form}, status=404)


def _display_options(request) -> tuple[bool, int | None]:
    """``?discreet=1&n=2``. Fails closed: any discreet value but 0 means discreet."""
    discreet = request.GET.get("discreet", "0").strip().lower() not in ("", "0", "false")
    display = DisplayForm(request.GET)
    number = display.cleaned_data["n"] if display.is_valid() else None
    return discreet, number


def _active_code(request, code) -> tuple[ReferenceCode | None, HttpResponse | None]:
    """The code's record, or the page to answer instead: 404 if unknown, 410 if expired."""
    canonical = normalise_code(code)
    record = ReferenceCode.objects.filter(code=canonical).first() if canonical else None
    if record is None:
        page = render(request, "referrals/unknown.html", {"open_form": OpenCodeForm()}, status=404)
        return None, page
    if record.is_expired():
        context = {"lifetime_days": code_lifetime().days}
        return None, render(request, "referrals/expired.html", context, status=410)
    return record, None


@require_safe
def code_detail(request, code):
    """A reopened list. Unknown codes get a 404, expired ones a plain 410."""
    record, refusal = _active_code(request, code)
    if refusal is not None:
        return refusal
    discreet, _number = _display_options(request)
    services = sheet_services(record.service_ids)
    language = translation.get_language()
    ids = [service.pk for service in services]
    context = {
        "sheet": build_sheet(services, [language], discreet=discreet),
        "ids_query": ids_query(ids),
        "sheet_form": SheetForm(initial={"code": record.code, "discreet": discreet}),
        "for_client": True,
        **_code_context(request, record, language, discreet),
    }
    return render(request, "referrals/code.html", context)


@require_safe
def code_send(request, code):
    """``sms:`` and ``mailto:`` links carrying the code's address (issue #21, item 5).

    GET only, and nothing is stored or sent: the caseworker's own phone sends the message.
    """
    record, refusal = _active_code(request, code)
    if refusal is not None:
        return refusal
    # Unknown parameters are ignored, as on every page; only the form's own are read.
    chosen = {"language", "discreet"} & set(request.GET)
    form = SendForm(request.GET if chosen else None)
    status = 200
    if form.is_bound and form.is_valid():
        language, discreet = form.cleaned_data["language"], form.cleaned_data["discreet"]
    else:
        status = 400 if form.is_bound else 200
        language, discreet = translation.get_language(), False
    context = {
        "code": record,
        "form": form if form.is_bound else SendForm(),
        "message": message(request, record, language, discreet=discreet),
        "message_language": language,
        "discreet": discreet,
    }
    return render(request, "referrals/send.html", context, status=status)


@require_safe
def card(request, pk):
    """A service's contact card. Non-public and unknown ids get the same 404 (SR-4)."""
    services = sheet_services([pk])
    if not services:
        raise Http404
    service = services[0]
    discreet, number = _display_options(request)
    language = translation.get_language()
    built = build_sheet([service], [language], discreet=discreet)
    places = built.rows[0].cells[0].places
    if discreet:
        name = _("Contact %(number)s") % {"number": number} if number else _("Contact")
        text = service_vcard(
            service,
            name=name,
            organisation="",
            places=places,
            hide=lambda value: reveals_purpose(value, [language]),
        )
    else:
        text = service_vcard(
            service,
            name=translated_value(service, "name")[0],
            organisation=service.organization.name,
            places=places,
        )
    response = HttpResponse(text, content_type="text/vcard; charset=utf-8")
    # A neutral file name: downloads folders are part of what someone may look through.
    response["Content-Disposition"] = 'attachment; filename="contact.vcf"'
    return response
