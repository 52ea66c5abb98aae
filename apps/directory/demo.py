"""A small fictional directory for the laptop demo and the tests.

Every organisation is marked ``is_demo`` so every page shows the demonstration banner.
Phone numbers come from ranges reserved for fiction: France +33 1 99 00 xx xx (ARCEP),
the United Kingdom +44 20 7946 0xxx and +44 7700 900xxx (Ofcom), the United States
+1 NXX 555 01xx. Nothing here is a real service.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from . import reference
from .models import (
    Channel,
    CostOption,
    Language,
    Location,
    OpeningPeriod,
    Organization,
    Region,
    ScheduleException,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceLanguage,
    Taxonomy,
    TaxonomyTerm,
)
from .models.organizations import CapacityStatus, PublicationStatus

PUBLISHED = PublicationStatus.PUBLISHED

# The shared vocabulary (apps/directory/reference/vocabulary.json) names every term in
# every interface language; the demo uses its terms, in its order.
TAXONOMIES = {
    slug: reference.term_codes(slug)
    for slug in (
        Taxonomy.SERVICE_TYPE,
        Taxonomy.POPULATION,
        Taxonomy.TRAFFICKING_TYPE,
        Taxonomy.TRUST,
    )
}

REGIONS = [
    # code, kind, parent, time zone, centroid, name (localities only)
    ("FR", "country", None, "Europe/Paris", (46.6, 2.4), ""),
    ("FR-IDF", "subdivision", "FR", "Europe/Paris", (48.85, 2.35), ""),
    ("FR-ARA", "subdivision", "FR", "Europe/Paris", (45.5, 4.5), ""),
    ("fr-ara-lyon", "locality", "FR-ARA", "Europe/Paris", (45.76, 4.84), "Lyon"),
    ("GB", "country", None, "Europe/London", (54.0, -2.0), ""),
    ("GB-ENG", "subdivision", "GB", "Europe/London", (52.5, -1.5), ""),
    ("GB-MAN", "subdivision", "GB-ENG", "Europe/London", (53.48, -2.24), ""),
    ("US", "country", None, "America/New_York", (39.8, -98.6), ""),
    ("US-NY", "subdivision", "US", "America/New_York", (42.9, -75.5), ""),
    ("US-CA", "subdivision", "US", "America/Los_Angeles", (37.2, -119.4), ""),
]

LANGUAGES = [
    "eng",
    "fra",
    "spa",
    "ara",
    "fas",
    "ukr",
    "rus",
    "ron",
    "por",
    "vie",
    "zho",
    "tgl",
    "tir",
    "amh",
]

WEEKDAYS = range(0, 5)
DAYS = range(0, 7)


def _translated(values, field="name"):
    english, spanish, french, arabic = values
    return {
        f"{field}_en": english,
        f"{field}_es": spanish,
        f"{field}_fr": french,
        f"{field}_ar": arabic,
    }


def _load_taxonomies():
    terms = {}
    for slug, codes in TAXONOMIES.items():
        taxonomy = Taxonomy.objects.create(
            slug=slug, **reference.columns(reference.taxonomy_names(slug))
        )
        for position, code in enumerate(codes):
            terms[code] = TaxonomyTerm.objects.create(
                taxonomy=taxonomy,
                code=code,
                position=position,
                **reference.columns(reference.term_names(slug, code)),
            )
    return terms


def _load_regions():
    regions = {}
    for code, kind, parent, zone, (lat, lon), name in REGIONS:
        regions[code] = Region.objects.create(
            code=code,
            kind=kind,
            parent=regions.get(parent),
            time_zone=zone,
            centroid_latitude=lat,
            centroid_longitude=lon,
            name=name,
        )
    return regions


def _service(org, *, name, description, terms, languages, areas, zone, **extra):
    service = Service.objects.create(
        organization=org,
        status=PUBLISHED,
        time_zone=zone,
        assured_date=dt.date(2026, 9, 1),
        assurer=org,
        verify_by=dt.date(2027, 3, 1),
        **_translated(name),
        **_translated(description, "description"),
        **extra,
    )
    service.terms.set(terms)
    for code in languages:
        ServiceLanguage.objects.create(service=service, language=Language.objects.get(code=code))
    for region in areas:
        if region is None:
            ServiceArea.objects.create(service=service, scope=ServiceArea.Scope.INTERNATIONAL)
        else:
            ServiceArea.objects.create(
                service=service, scope=ServiceArea.Scope.REGION, region=region
            )
    return service


def _channel(service, kind, *, languages=(), hours=None, **fields):
    channel = Channel.objects.create(service=service, kind=kind, **fields)
    channel.languages.set(Language.objects.filter(code__in=languages))
    for days, opens, closes in hours or []:
        for day in days:
            OpeningPeriod.objects.create(channel=channel, weekday=day, opens=opens, closes=closes)
    return channel


def _t(hour, minute=0):
    return dt.time(hour, minute)


@transaction.atomic
def load_demo() -> int:
    """Create the fictional directory; returns the number of services."""
    terms = _load_taxonomies()
    regions = _load_regions()
    for code in LANGUAGES:
        Language.objects.create(code=code)

    def org(*names):
        return Organization.objects.create(status=PUBLISHED, is_demo=True, **_translated(names))

    # --- France -------------------------------------------------------------------
    refuge = org(
        "Example Safe Homes Network (fictional)",
        "Red de Casas Seguras (ficticia)",
        "Réseau Maisons Sûres (fictif)",
        "شبكة البيوت الآمنة (خيالية)",
    )
    hotline = _service(
        refuge,
        name=(
            "Example National Helpline",
            "Línea Nacional de Ejemplo",
            "Ligne nationale d’exemple",
            "خط المساعدة الوطني التجريبي",
        ),
        description=(
            "Free, confidential advice by phone, day and night, for anyone forced to work "
            "or to sell sex. Interpreters on request.",
            "Asesoramiento gratuito y confidencial por teléfono, día y noche, para cualquier "
            "persona obligada a trabajar o a vender sexo. Intérpretes si lo pides.",
            "Écoute gratuite et confidentielle, jour et nuit, pour toute personne forcée à "
            "travailler ou à se prostituer. Interprètes sur demande.",
            "استشارة مجانية وسرية عبر الهاتف ليلاً ونهاراً لكل من أُجبر على العمل أو بيع الجنس.",
        ),
        terms=[
            terms[c]
            for c in (
                "hotline",
                "counselling",
                "sexual",
                "labour",
                "women",
                "men",
                "foreign",
                "anonymous",
                "no-police",
                "no-id",
                "undocumented",
            )
        ],
        languages=["fra", "eng", "ara", "spa", "ron"],
        areas=[regions["FR"]],
        zone="Europe/Paris",
        is_free=True,
        interpretation_services_en="Interpreters for more than 20 languages on request.",
    )
    _channel(
        hotline,
        Channel.Kind.VOICE,
        number="+33199001001",
        is_24_7=True,
        is_free=True,
        get_help_now=True,
        languages=["fra", "eng", "ara"],
        label_en="Helpline, free from any phone",
        label_fr="Ligne gratuite depuis tout téléphone",
    )
    _channel(
        hotline,
        Channel.Kind.SMS,
        number="+33199001002",
        languages=["fra", "eng"],
        hours=[(DAYS, _t(9), _t(21))],
    )
    _channel(
        hotline,
        Channel.Kind.CHAT,
        url="https://chat.example.org/fr",
        languages=["fra", "eng", "spa"],
        hours=[(WEEKDAYS, _t(18), _t(2))],
    )

    shelter = _service(
        refuge,
        name=(
            "Example Emergency Shelter Lyon",
            "Refugio de emergencia de ejemplo (Lyon)",
            "Hébergement d’urgence d’exemple (Lyon)",
            "مأوى طوارئ تجريبي (ليون)",
        ),
        description=(
            "A safe place to stay for women and their children, with support to recover. "
            "The address is given only through the intake line.",
            "Un lugar seguro para mujeres y sus hijos e hijas. La dirección se da solo por "
            "la línea de admisión.",
            "Un lieu sûr pour les femmes et leurs enfants. L’adresse n’est donnée que par la "
            "ligne d’accueil.",
            "مكان آمن للنساء وأطفالهن. يُعطى العنوان فقط عبر خط الاستقبال.",
        ),
        terms=[
            terms[c]
            for c in (
                "emergency-housing",
                "case-management",
                "women",
                "children",
                "girls",
                "sexual",
                "no-id",
                "undocumented",
                "referrals",
            )
        ],
        languages=["fra", "eng", "ara", "ukr"],
        areas=[regions["fr-ara-lyon"]],
        zone="Europe/Paris",
        is_free=True,
    )
    _channel(
        shelter,
        Channel.Kind.VOICE,
        number="+33199001010",
        label_en="Intake line",
        label_fr="Ligne d’accueil",
        languages=["fra", "eng", "ara", "ukr"],
        closed_on_public_holidays=True,
        hours=[(WEEKDAYS, _t(8), _t(20)), ([5], _t(10), _t(16))],
    )
    house = Location.objects.create(
        organization=refuge,
        visibility=Location.Visibility.HIDDEN,
        region=regions["fr-ara-lyon"],
        name_en="Safe house L (confidential)",
        address_1_en="12 rue de l’Exemple",
        city_en="Lyon",
        postal_code="69000",
        latitude=45.7601,
        longitude=4.8402,
    )
    ServiceAtLocation.objects.create(service=shelter, location=house)
    shelter.holiday_region = regions["FR"]
    shelter.save(update_fields=["holiday_region"])

    legal = org(
        "Example Rights Centre (fictional)",
        "Centro de Derechos (ficticio)",
        "Centre des Droits (fictif)",
        "مركز الحقوق (خيالي)",
    )
    clinic = _service(
        legal,
        name=(
            "Example Legal and Immigration Clinic",
            "Clínica jurídica y de inmigración",
            "Permanence juridique et droit des étrangers",
            "عيادة قانونية وهجرة",
        ),
        description=(
            "Free advice on residence permits, compensation and your rights as a victim. "
            "Walk in without an appointment on Wednesday afternoons.",
            "Asesoría gratuita sobre permisos de residencia, indemnización y tus derechos.",
            "Conseils gratuits sur les titres de séjour, l’indemnisation et vos droits.",
            "استشارة مجانية حول تصاريح الإقامة والتعويض وحقوقك.",
        ),
        terms=[
            terms[c]
            for c in (
                "legal",
                "immigration",
                "foreign",
                "labour",
                "sexual",
                "domestic",
                "undocumented",
                "no-police",
                "referrals",
            )
        ],
        languages=["fra", "eng", "spa", "por", "ara"],
        areas=[regions["FR-IDF"]],
        zone="Europe/Paris",
        is_free=True,
    )
    office = Location.objects.create(
        organization=legal,
        visibility=Location.Visibility.PUBLIC,
        region=regions["FR-IDF"],
        name_en="Example Rights Centre office",
        address_1_en="1 place de la Démonstration",
        city_en="Paris",
        postal_code="75011",
        latitude=48.8566,
        longitude=2.3522,
        accessibility_en="Step-free entrance; accessible toilet.",
    )
    ServiceAtLocation.objects.create(service=clinic, location=office)
    _channel(
        clinic,
        Channel.Kind.VOICE,
        number="+33199002020",
        languages=["fra", "eng"],
        closed_on_public_holidays=True,
        hours=[(WEEKDAYS, _t(9, 30), _t(17, 30))],
    )
    _channel(
        clinic,
        Channel.Kind.WALK_IN,
        location=office,
        languages=["fra", "eng", "spa"],
        hours=[([2], _t(14), _t(18))],
    )
    _channel(
        clinic, Channel.Kind.EMAIL, email="contact@rights.example.org", languages=["fra", "eng"]
    )
    clinic.holiday_region = regions["FR"]
    clinic.save(update_fields=["holiday_region"])
    CostOption.objects.create(
        service=clinic, option_en="First appointment", amount=0, currency="EUR"
    )

    # --- United Kingdom ------------------------------------------------------------
    uk = org(
        "Example Freedom Trust (fictional)",
        "Fundación Libertad (ficticia)",
        "Fondation Liberté (fictive)",
        "مؤسسة الحرية (خيالية)",
    )
    uk_line = _service(
        uk,
        name=(
            "Example Modern Slavery Helpline",
            "Línea de ayuda contra la esclavitud moderna",
            "Ligne d’aide contre l’esclavage moderne",
            "خط المساعدة ضد العبودية الحديثة",
        ),
        description=(
            "Confidential help and advice around the clock, in over 200 languages through "
            "interpreters.",
            "Ayuda confidencial a cualquier hora.",
            "Aide confidentielle à toute heure.",
            "مساعدة سرية على مدار الساعة.",
        ),
        terms=[
            terms[c]
            for c in (
                "hotline",
                "reporting",
                "labour",
                "sexual",
                "domestic",
                "criminality",
                "child",
                "anonymous",
                "foreign",
            )
        ],
        languages=["eng", "ron", "vie", "tgl", "rus"],
        areas=[regions["GB"]],
        zone="Europe/London",
        is_free=True,
    )
    _channel(
        uk_line,
        Channel.Kind.VOICE,
        number="+442079460001",
        is_24_7=True,
        is_free=True,
        get_help_now=True,
        languages=["eng", "ron", "vie", "tgl"],
    )
    _channel(uk_line, Channel.Kind.WEB, url="https://help.example.org/report", languages=["eng"])
    counselling = _service(
        uk,
        name=(
            "Example Women’s Counselling Service",
            "Servicio de apoyo psicológico para mujeres",
            "Service de soutien psychologique pour femmes",
            "خدمة الدعم النفسي للنساء",
        ),
        description=(
            "Free counselling for women who have experienced sexual violence. Evening sessions "
            "by phone or in person in Manchester.",
            "Apoyo psicológico gratuito.",
            "Soutien psychologique gratuit.",
            "دعم نفسي مجاني.",
        ),
        terms=[
            terms[c]
            for c in (
                "counselling",
                "sexual-health",
                "women",
                "girls",
                "lgbtq",
                "survivor-led",
                "referrals",
                "online",
                "forced-marriage",
            )
        ],
        languages=["eng", "fas", "ara"],
        areas=[regions["GB-MAN"]],
        zone="Europe/London",
        is_free=True,
    )
    _channel(
        counselling,
        Channel.Kind.VOICE,
        number="+447700900123",
        languages=["eng", "fas"],
        closed_on_public_holidays=True,
        hours=[(WEEKDAYS, _t(17), _t(22))],
    )
    counselling.holiday_region = regions["GB-ENG"]
    counselling.save(update_fields=["holiday_region"])
    ScheduleException.objects.create(
        channel=counselling.channels.get(),
        date=dt.date(2026, 12, 24),
        closed=False,
        opens=_t(10),
        closes=_t(14),
        note_en="Christmas Eve: shorter hours",
    )

    # --- United States and international --------------------------------------------
    us = org(
        "Example Health Collective (fictional)",
        "Colectivo de Salud (ficticio)",
        "Collectif Santé (fictif)",
        "تجمع الصحة (خيالي)",
    )
    health = _service(
        us,
        name=(
            "Example Community Health Clinic",
            "Clínica comunitaria de salud",
            "Clinique de santé communautaire",
            "عيادة صحية مجتمعية",
        ),
        description=(
            "Medical and sexual health care whatever your status. Sliding-scale fees.",
            "Atención médica y de salud sexual sin importar tu situación migratoria.",
            "Soins médicaux et santé sexuelle quel que soit votre statut.",
            "رعاية طبية وصحة جنسية بغض النظر عن وضعك.",
        ),
        terms=[
            terms[c]
            for c in ("medical", "sexual-health", "women", "men", "lgbtq", "undocumented", "no-id")
        ],
        languages=["eng", "spa", "zho", "vie", "tgl"],
        areas=[regions["US-NY"]],
        zone="America/New_York",
        fees_description_en="Sliding scale from $0 to $20.",
    )
    _channel(
        health,
        Channel.Kind.VOICE,
        number="+12125550142",
        languages=["eng", "spa", "zho"],
        hours=[(WEEKDAYS, _t(8), _t(18)), ([5], _t(9), _t(13))],
    )
    _channel(
        health,
        Channel.Kind.WHATSAPP,
        number="+12125550143",
        languages=["eng", "spa"],
        hours=[(WEEKDAYS, _t(8), _t(18))],
    )
    housing = _service(
        us,
        name=(
            "Example Transitional Housing Program",
            "Programa de vivienda transitoria",
            "Programme de logement de transition",
            "برنامج السكن الانتقالي",
        ),
        description=(
            "Up to 18 months of housing with case management for survivors of trafficking.",
            "Hasta 18 meses de vivienda con acompañamiento.",
            "Jusqu’à 18 mois de logement avec accompagnement.",
            "سكن لمدة تصل إلى 18 شهراً مع متابعة.",
        ),
        terms=[
            terms[c]
            for c in (
                "housing",
                "case-management",
                "women",
                "foreign",
                "labour",
                "sexual",
                "referrals",
            )
        ],
        languages=["eng", "spa"],
        areas=[regions["US-CA"]],
        zone="America/Los_Angeles",
        is_free=True,
    )
    _channel(
        housing,
        Channel.Kind.VOICE,
        number="+14155550199",
        languages=["eng", "spa"],
        hours=[(WEEKDAYS, _t(9), _t(17))],
    )
    region_only = Location.objects.create(
        organization=us,
        visibility=Location.Visibility.REGION,
        region=regions["US-CA"],
        name_en="Residence C (confidential)",
        region_label_en="East Bay",
        address_1_en="99 Hidden Example Way",
        city_en="Oakland",
        postal_code="94600",
        latitude=37.8044,
        longitude=-122.2712,
    )
    ServiceAtLocation.objects.create(service=housing, location=region_only)

    world = org(
        "Example Global Chat Line (fictional)",
        "Chat Global (ficticio)",
        "Tchat mondial (fictif)",
        "خط الدردشة العالمي (خيالي)",
    )
    chat = _service(
        world,
        name=(
            "Example Worldwide Chat Support",
            "Chat de apoyo mundial",
            "Tchat de soutien mondial",
            "دعم عبر الدردشة حول العالم",
        ),
        description=(
            "Anonymous online chat with trained volunteers, wherever you are.",
            "Chat anónimo en línea con personas voluntarias formadas, estés donde estés.",
            "Tchat anonyme avec des bénévoles formés, où que vous soyez.",
            "دردشة مجهولة مع متطوعين مدربين أينما كنت.",
        ),
        terms=[terms[c] for c in ("counselling", "hotline", "anonymous", "lgbtq", "women", "men")],
        languages=["eng", "spa", "fra", "ara", "rus", "ukr"],
        areas=[None],
        zone="UTC",
        is_free=True,
    )
    _channel(
        chat,
        Channel.Kind.CHAT,
        url="https://chat.example.net/",
        is_24_7=True,
        languages=["eng", "spa", "fra", "ara", "rus", "ukr"],
    )
    _online_harms(org, terms, regions)
    _drafts_and_reviews(
        orgs={"refuge": refuge, "legal": legal, "uk": uk, "us": us, "world": world},
        services={
            "hotline": hotline,
            "shelter": shelter,
            "clinic": clinic,
            "uk_line": uk_line,
            "counselling": counselling,
            "health": health,
            "housing": housing,
            "chat": chat,
        },
    )
    _capacity(shelter=shelter, counselling=counselling, housing=housing)
    reference.apply_vocabulary(costs=True)
    return Service.objects.count()


def _capacity(*, shelter, counselling, housing):
    """Space available (issue 21), relative to the time of loading: a shelter with space,
    counselling with few slots, and transitional housing whose last word is days old, so
    the public sees "not updated recently" there."""
    now = timezone.now()
    for service, status, hours in (
        (shelter, CapacityStatus.AVAILABLE, 2),
        (counselling, CapacityStatus.LIMITED, 5),
        (housing, CapacityStatus.AVAILABLE, 24 * 4),
    ):
        service.capacity_status = status
        service.capacity_updated = now - dt.timedelta(hours=hours)
        service.save(update_fields=["capacity_status", "capacity_updated"])


def _online_harms(org, terms, regions):
    """Where to report something online and get images taken down (issue #21): in each
    country an official reporting point for illegal content, and a take-down service."""
    desk = org(
        "Example Online Safety Desk (fictional)",
        "Mesa de Seguridad en Línea (ficticia)",
        "Bureau de la sécurité en ligne (fictif)",
        "مكتب الأمان على الإنترنت (خيالي)",
    )
    common = ["online-harms", "online", "sexual", "child", "anonymous", "women", "girls"]
    for code, zone, name, number, url in (
        (
            "FR",
            "Europe/Paris",
            (
                "Example Illegal Content Reporting Point (France)",
                "Punto de denuncia de contenidos ilegales de ejemplo (Francia)",
                "Point de signalement des contenus illicites d’exemple (France)",
                "نقطة الإبلاغ عن المحتوى غير القانوني التجريبية (فرنسا)",
            ),
            "+33199003030",
            "https://report.example.org/fr",
        ),
        (
            "GB",
            "Europe/London",
            (
                "Example Image Take-down Service (UK)",
                "Servicio de retirada de imágenes de ejemplo (Reino Unido)",
                "Service de retrait d’images d’exemple (Royaume-Uni)",
                "خدمة إزالة الصور التجريبية (المملكة المتحدة)",
            ),
            "+442079460303",
            "https://report.example.org/uk",
        ),
        (
            "US",
            "America/New_York",
            (
                "Example Online Exploitation Tipline (US)",
                "Línea de denuncias de explotación en línea de ejemplo (EE. UU.)",
                "Ligne de signalement de l’exploitation en ligne d’exemple (États-Unis)",
                "خط الإبلاغ عن الاستغلال عبر الإنترنت التجريبي (الولايات المتحدة)",
            ),
            "+12025550130",
            "https://report.example.org/us",
        ),
    ):
        service = _service(
            desk,
            name=name,
            description=(
                "Report illegal content, such as images of a child or of you shared without "
                "your consent, and ask for it to be taken down. You do not have to give your "
                "name.",
                "Denuncia contenidos ilegales, como imágenes de un niño o tuyas compartidas "
                "sin tu consentimiento, y pide que se retiren. No tienes que dar tu nombre.",
                "Signalez un contenu illicite, comme des images d’un enfant ou de vous "
                "diffusées sans votre accord, et demandez son retrait. Sans donner votre nom.",
                "أبلغ عن محتوى غير قانوني، مثل صور لطفل أو صورك المنشورة دون موافقتك، واطلب "
                "إزالته. لا يلزمك ذكر اسمك.",
            ),
            terms=[terms[c] for c in common],
            languages=["eng", "fra", "spa", "ara"],
            areas=[regions[code]],
            zone=zone,
            is_free=True,
        )
        _channel(service, Channel.Kind.WEB, url=url, languages=["eng", "fra", "spa", "ara"])
        _channel(
            service,
            Channel.Kind.VOICE,
            number=number,
            languages=["eng"],
            hours=[(WEEKDAYS, _t(9), _t(17))],
        )


# Translations beyond the four above, and an honest status for every translated language:
# "human" where a (fictional) reviewer checked it, "machine" where it is a machine draft
# nobody has reviewed yet. Both markers can then be seen, also together: a Portuguese
# reader of the chat service gets its machine-drafted Spanish, marked twice.
EXTRA = {
    "hotline": {
        "name_uk": "Приклад національної гарячої лінії",
        "description_uk": "Безкоштовна конфіденційна консультація телефоном, вдень і вночі, "
        "для всіх, кого змушують працювати або надавати сексуальні послуги. Перекладачі "
        "на запит.",
        "name_ro": "Exemplu de linie națională de ajutor",
        "description_ro": "Consiliere gratuită și confidențială la telefon, zi și noapte, "
        "pentru oricine este forțat să muncească sau să se prostitueze.",
    },
    "shelter": {
        "name_uk": "Приклад екстреного притулку (Ліон)",
        "description_uk": "Безпечне місце для жінок і їхніх дітей. Адресу повідомляють "
        "лише через лінію прийому.",
    },
    "clinic": {
        "name_pt": "Consulta jurídica e de imigração de exemplo",
        "description_pt": "Aconselhamento gratuito sobre autorizações de residência, "
        "indemnizações e os seus direitos.",
    },
    "counselling": {
        "name_fa": "نمونه خدمات مشاوره برای زنان",
        "description_fa": "مشاوره رایگان برای زنانی که خشونت جنسی را تجربه کرده‌اند. "
        "جلسه‌های عصرگاهی، تلفنی یا حضوری در منچستر.",
    },
    "health": {
        "name_zh_hans": "示例社区健康诊所",
        "description_zh_hans": "无论你的身份如何，都可获得医疗和性健康服务。按收入收费。",
        "name_vi": "Phòng khám sức khỏe cộng đồng (ví dụ)",
        "description_vi": "Chăm sóc y tế và sức khỏe tình dục, bất kể tình trạng giấy tờ "
        "của bạn. Phí tùy theo thu nhập.",
    },
}
STATUSES = {
    "refuge": {"es": "human", "fr": "human", "ar": "machine"},
    "legal": {"es": "human", "fr": "human", "ar": "machine"},
    "uk": {"es": "machine", "fr": "machine", "ar": "machine"},
    "us": {"es": "human", "fr": "machine", "ar": "machine"},
    "world": {"es": "human", "fr": "human", "ar": "human"},
    "hotline": {"es": "human", "fr": "human", "ar": "machine", "uk": "machine", "ro": "human"},
    "shelter": {"es": "human", "fr": "human", "ar": "human", "uk": "machine"},
    "clinic": {"es": "human", "fr": "human", "ar": "machine", "pt": "machine"},
    "uk_line": {"es": "machine", "fr": "machine", "ar": "machine"},
    "counselling": {"es": "machine", "fr": "machine", "ar": "machine", "fa": "human"},
    "health": {
        "es": "human",
        "fr": "machine",
        "ar": "machine",
        "zh-hans": "machine",
        "vi": "human",
    },
    "housing": {"es": "human", "fr": "machine", "ar": "machine"},
    "chat": {"es": "machine", "fr": "human", "ar": "human"},
}


def _drafts_and_reviews(orgs, services):
    for key, record in [*orgs.items(), *services.items()]:
        for name, value in EXTRA.get(key, {}).items():
            setattr(record, name, value)
        record.translation_status = STATUSES[key]
        record.save()
