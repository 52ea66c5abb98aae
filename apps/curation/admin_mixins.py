"""The admin as a front for proposals: nothing saved here is written directly (SR-7)."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from .models import AuditEntry
from .registry import spec_for, to_plain
from .services import ProposalError, is_coordinator, profile_of, proposal_archive, proposal_submit


def own_languages(request) -> list[str]:
    """The languages an editor works in: the page's, their profile's, and English."""
    profile = profile_of(request.user)
    codes = [get_language(), profile.language if profile else None, settings.LANGUAGE_CODE]
    return list(dict.fromkeys(code for code in codes if code))


def language_fieldsets(model, fields: list[str], open_languages: list[str]) -> list:
    """Fieldsets: the editor's languages first (open), the untranslated fields, then the
    other languages (closed). Models without translated fields keep one fieldset."""
    from modeltranslation.translator import NotRegistered, translator
    from modeltranslation.utils import build_localized_fieldname

    try:
        translated = translator.get_options_for_model(model).fields
    except NotRegistered:
        return [(None, {"fields": fields})]
    names = dict(settings.LANGUAGES)
    language_of = {
        build_localized_fieldname(base, code): code for base in translated for code in names
    }
    common = [name for name in fields if name not in language_of]
    by_language = {code: [] for code in names}
    for name in fields:
        if name in language_of:
            by_language[language_of[name]].append(name)
    opened = [code for code in open_languages if code in names]
    order = opened + [code for code in names if code not in opened]
    groups = {
        code: (
            f"{names[code]} ({code})",
            {"fields": by_language[code], "classes": [] if code in opened else ["collapse"]},
        )
        for code in order
        if by_language[code]
    }
    first = [groups[code] for code in opened if code in groups]
    rest = [groups[code] for code in order if code not in opened and code in groups]
    return [*first, (None, {"fields": common}), *rest]


def organization_scope(user):
    """None for coordinators (everything), else the partner's organisation id."""
    if is_coordinator(user):
        return None
    profile = profile_of(user)
    if profile is None or not profile.is_partner:
        raise PermissionDenied
    return profile.organization_id


class CuratedAdmin(admin.ModelAdmin):
    """Partners see only their own records; every save becomes a proposal."""

    # Path from the record to its organisation, for scoping querysets.
    organization_lookup = "organization"
    actions = ["propose_archive"]

    def get_fieldsets(self, request, obj=None):
        """Each language's fields in a group of their own (a ``<details>``, no script
        needed), open for the editor's languages and English, closed for the others, so
        one language can be edited without scrolling through twelve."""
        fieldsets = super().get_fieldsets(request, obj)
        if self.fieldsets:
            return fieldsets
        return language_fieldsets(self.model, flatten_fieldsets(fieldsets), own_languages(request))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = organization_scope(request.user)
        if scope is None:
            return queryset
        return queryset.filter(**{self.organization_lookup: scope})

    def has_module_permission(self, request):
        return profile_of(request.user) is not None or request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_change_permission = has_view_permission

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # archive through a proposal instead (RR-2)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope = organization_scope(request.user)
        related = db_field.related_model
        if scope is not None:
            if related._meta.model_name == "organization":
                kwargs["queryset"] = related.objects.filter(pk=scope)
            elif hasattr(related, "organization") or related._meta.model_name == "service":
                kwargs["queryset"] = related.objects.filter(organization_id=scope)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def proposal_values(self, form) -> dict:
        spec = spec_for(self.model)
        values = {}
        for field in spec.fields():
            for name in (field.attname, field.name):
                if name in form.cleaned_data:
                    values[field.attname] = to_plain(form.cleaned_data[name])
                    break
        values.update(self.collection_values(form))
        return values

    def collection_values(self, form) -> dict:
        return {}

    def save_model(self, request, obj, form, change):
        original = self.model.objects.get(pk=obj.pk) if change else None
        try:
            request._proposal = proposal_submit(
                by=request.user,
                model=self.model,
                values=self.proposal_values(form),
                instance=original,
            )
        except ProposalError as error:
            request._proposal_error = str(error)

    def save_related(self, request, form, formsets, change):
        """Collections travel inside the proposal; nothing is written here."""

    def log_addition(self, request, obj, message):
        """The audit trail records proposals; Django's log is not used."""

    log_change = log_deletion = log_addition

    def _after_save(self, request):
        error = getattr(request, "_proposal_error", None)
        if error:
            self.message_user(request, error, messages.WARNING)
            return HttpResponseRedirect(request.path)
        proposal = request._proposal
        self.message_user(
            request,
            _("Your change was sent for review. It goes live once approved."),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse(f"{self.admin_site.name}:curation_proposal_change", args=[proposal.pk])
        )

    def response_add(self, request, obj, post_url_continue=None):
        return self._after_save(request)

    def response_change(self, request, obj):
        return self._after_save(request)

    @admin.action(description=gettext_lazy("Propose archiving the selected records"))
    def propose_archive(self, request, queryset):
        count = 0
        for instance in queryset:
            try:
                proposal_archive(by=request.user, instance=instance)
                count += 1
            except ProposalError as error:
                self.message_user(request, str(error), messages.WARNING)
        self.message_user(request, _("%(count)d proposal(s) sent for review.") % {"count": count})

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)  # scoped: 404 for other organisations
        if obj is None:
            raise PermissionDenied
        entries = AuditEntry.objects.filter(
            target_model=self.model._meta.model_name, target_id=obj.pk
        ).select_related("actor")
        context = {
            **self.admin_site.each_context(request),
            "title": _("History"),
            "object": obj,
            "entries": entries,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "curation/history.html", context)
