"""Words that must never appear in a page title, URL path or query string (QE-15).

Someone looking at a browser's history or tab bar should see nothing that reveals what
this site is for. Deployments extend or replace this list with the setting
``SENSITIVE_WORDS`` (a dict of language code → list of words); matching is
case-insensitive on word stems, so "shelter" also catches "shelters".
"""

SENSITIVE_WORDS = {
    "en": [
        "traffick",
        "abuse",
        "shelter",
        "violence",
        "rape",
        "exploitation",
        "slavery",
        "victim",
        "assault",
        "refuge",
        "domestic",
    ],
    "es": [
        "trata",
        "abuso",
        "refugio",
        "violencia",
        "violación",
        "explotación",
        "esclavitud",
        "víctima",
        "agresión",
    ],
    "fr": [
        "traite",
        "abus",
        "refuge",
        "violence",
        "viol",
        "exploitation",
        "esclavage",
        "victime",
        "agression",
        "hébergement d’urgence",
    ],
    "pt": [
        "tráfico",
        "abuso",
        "abrigo",
        "violência",
        "estupro",
        "exploração",
        "escravidão",
        "vítima",
        "agressão",
    ],
    "ro": [
        "trafic",
        "abuz",
        "adăpost",
        "violență",
        "viol",
        "exploatare",
        "sclavie",
        "victimă",
        "agresiune",
    ],
    "uk": ["торгівл", "насильств", "притул", "зґвалтуван", "експлуатац", "рабств", "жертв"],
    "ru": ["торговл", "насили", "приют", "изнасиловани", "эксплуатац", "рабств", "жертв"],
    "ar": ["الاتجار", "إساءة", "ملجأ", "عنف", "اغتصاب", "استغلال", "عبودية", "ضحية"],
    "fa": ["قاچاق", "سوءاستفاده", "پناهگاه", "خشونت", "تجاوز", "بهره‌کشی", "بردگی", "قربانی"],
    "vi": [
        "buôn bán người",
        "lạm dụng",
        "nhà tạm lánh",
        "bạo lực",
        "hiếp dâm",
        "bóc lột",
        "nô lệ",
        "nạn nhân",
    ],
    "zh-hans": ["贩卖", "拐卖", "虐待", "庇护所", "暴力", "强奸", "剥削", "奴役", "受害者"],
    "tl": [
        "trafficking",
        "pang-aabuso",
        "kanlungan",
        "karahasan",
        "panggagahasa",
        "pagsasamantala",
        "pang-aalipin",
        "biktima",
    ],
}


def words_for(language_code: str) -> list[str]:
    from django.conf import settings

    configured = getattr(settings, "SENSITIVE_WORDS", SENSITIVE_WORDS)
    # English words are checked in every language: URLs and titles may carry them anywhere.
    return sorted(set(configured.get(language_code, [])) | set(configured.get("en", [])))


def find_sensitive(text: str, language_code: str) -> list[str]:
    lowered = text.lower()
    return [word for word in words_for(language_code) if word.lower() in lowered]
