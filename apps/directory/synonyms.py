"""Words people search with, mapped to the kinds of help they mean (issue #16, item 5).

Reference data, kept apart from the shared vocabulary's own names (the taxonomy terms'
translated ``name`` fields, which search also recognises): each entry names taxonomy
terms by ``(taxonomy slug, term code)`` and lists, per interface language, the phrases
that mean them. Matching ignores case and accents, so "travail force" finds "travail
forcé". A phrase may appear under several languages; a search in any interface language
recognises the phrases of every language (a person may type in a second language).

Add a phrase: append it to the right language's list. Add a meaning: add an entry.
"""

SERVICE_TYPE = "service-type"
TRAFFICKING_TYPE = "trafficking-type"

TRAFFICKING = [
    (TRAFFICKING_TYPE, "sexual"),
    (TRAFFICKING_TYPE, "labour"),
    (TRAFFICKING_TYPE, "domestic"),
]

SYNONYMS = [
    {
        "terms": TRAFFICKING,
        "phrases": {
            "en": ["trafficking", "human trafficking", "modern slavery", "trafficked"],
            "es": ["trata", "trata de personas", "trata de seres humanos", "esclavitud moderna"],
            "fr": ["traite", "traite des êtres humains", "esclavage moderne"],
            "pt": ["tráfico de pessoas", "tráfico humano", "escravidão moderna"],
            "ro": ["trafic de persoane", "traficul de persoane", "sclavie modernă"],
            "uk": ["торгівля людьми", "торгівлі людьми", "сучасне рабство"],
            "ru": ["торговля людьми", "торговли людьми", "современное рабство"],
            "ar": ["الاتجار بالبشر", "الإتجار بالبشر", "العبودية الحديثة"],
            "fa": ["قاچاق انسان", "برده داری مدرن"],
            "vi": ["buôn bán người", "mua bán người", "nô lệ hiện đại"],
            "zh-hans": ["人口贩卖", "贩卖人口", "现代奴役"],
            "tl": ["human trafficking", "pagbebenta ng tao", "makabagong pang-aalipin"],
        },
    },
    {
        "terms": [(TRAFFICKING_TYPE, "labour")],
        "phrases": {
            "en": ["forced labour", "forced labor", "labour exploitation", "labor trafficking"],
            "es": ["trabajo forzoso", "trabajo forzado", "explotación laboral"],
            "fr": ["travail forcé", "exploitation par le travail"],
            "pt": ["trabalho forçado", "exploração laboral"],
            "ro": ["muncă forțată", "exploatare prin muncă"],
            "uk": ["примусова праця", "трудова експлуатація"],
            "ru": ["принудительный труд", "трудовая эксплуатация"],
            "ar": ["العمل القسري", "السخرة", "الاستغلال في العمل"],
            "fa": ["کار اجباری", "بهره کشی کاری"],
            "vi": ["lao động cưỡng bức", "bóc lột lao động"],
            "zh-hans": ["强迫劳动", "劳动剥削"],
            "tl": ["sapilitang paggawa", "pagsasamantala sa trabaho"],
        },
    },
    {
        "terms": [(TRAFFICKING_TYPE, "sexual")],
        "phrases": {
            "en": ["sexual exploitation", "sex trafficking", "forced prostitution"],
            "es": ["explotación sexual", "prostitución forzada"],
            "fr": ["exploitation sexuelle", "prostitution forcée"],
            "pt": ["exploração sexual", "prostituição forçada"],
            "ro": ["exploatare sexuală", "prostituție forțată"],
            "uk": ["сексуальна експлуатація", "примусова проституція"],
            "ru": ["сексуальная эксплуатация", "принудительная проституция"],
            "ar": ["الاستغلال الجنسي", "الدعارة القسرية"],
            "fa": ["بهره کشی جنسی", "روسپی گری اجباری"],
            "vi": ["bóc lột tình dục", "mại dâm cưỡng bức"],
            "zh-hans": ["性剥削", "强迫卖淫"],
            "tl": ["sekswal na pagsasamantala", "sapilitang prostitusyon"],
        },
    },
    {
        "terms": [(TRAFFICKING_TYPE, "domestic")],
        "phrases": {
            "en": ["domestic servitude", "domestic slavery"],
            "es": ["servidumbre doméstica", "esclavitud doméstica"],
            "fr": ["servitude domestique", "esclavage domestique"],
            "pt": ["servidão doméstica", "escravidão doméstica"],
            "ro": ["servitute domestică", "sclavie domestică"],
            "uk": ["домашнє рабство", "домашнє підневілля"],
            "ru": ["домашнее рабство", "домашнее подневольное состояние"],
            "ar": ["العبودية المنزلية", "الاستعباد المنزلي"],
            "fa": ["بردگی خانگی"],
            "vi": ["nô lệ giúp việc gia đình", "nô lệ trong gia đình"],
            "zh-hans": ["家庭奴役", "家政奴役"],
            "tl": ["pang-aalipin sa bahay"],
        },
    },
    {
        "terms": [(SERVICE_TYPE, "hotline")],
        "phrases": {
            "en": ["hotline", "helpline", "phone line", "crisis line"],
            "es": ["línea de ayuda", "línea telefónica", "teléfono de ayuda"],
            "fr": ["ligne d’écoute", "ligne d'écoute", "numéro d’aide", "numéro d'aide"],
            "pt": ["linha de apoio", "linha de ajuda"],
            "ro": ["linie de ajutor", "linie telefonică"],
            "uk": ["гаряча лінія", "телефон довіри"],
            "ru": ["горячая линия", "телефон доверия"],
            "ar": ["خط المساعدة", "خط ساخن"],
            "fa": ["خط کمک", "خط تلفن کمک"],
            "vi": ["đường dây nóng", "đường dây trợ giúp"],
            "zh-hans": ["热线", "求助热线"],
            "tl": ["hotline", "linya ng tulong"],
        },
    },
    {
        "terms": [(SERVICE_TYPE, "emergency-housing"), (SERVICE_TYPE, "housing")],
        "phrases": {
            "en": ["shelter", "safe house", "refuge", "place to stay", "housing"],
            "es": ["refugio", "casa de acogida", "albergue", "alojamiento"],
            "fr": ["refuge", "foyer", "hébergement", "mise à l’abri", "mise à l'abri"],
            "pt": ["abrigo", "casa abrigo", "alojamento"],
            "ro": ["adăpost", "casă sigură", "locuință"],
            "uk": ["притулок", "безпечне житло", "житло"],
            "ru": ["приют", "убежище", "жильё", "жилье"],
            "ar": ["مأوى", "ملجأ", "سكن"],
            "fa": ["پناهگاه", "خانه امن", "اسکان"],
            "vi": ["nhà tạm lánh", "nơi ở an toàn", "chỗ ở"],
            "zh-hans": ["庇护所", "安全屋", "住所"],
            "tl": ["kanlungan", "ligtas na tirahan", "matutuluyan"],
        },
    },
    {
        "terms": [(SERVICE_TYPE, "legal"), (SERVICE_TYPE, "immigration")],
        "phrases": {
            "en": ["lawyer", "legal aid", "visa", "asylum", "residence permit"],
            "es": ["abogado", "abogada", "asistencia jurídica", "asilo", "permiso de residencia"],
            "fr": ["avocat", "avocate", "aide juridique", "asile", "titre de séjour"],
            "pt": ["advogado", "advogada", "apoio jurídico", "asilo", "autorização de residência"],
            "ro": ["avocat", "asistență juridică", "azil", "permis de ședere"],
            "uk": ["адвокат", "юрист", "правова допомога", "притулок для біженців", "віза"],
            "ru": ["адвокат", "юрист", "юридическая помощь", "убежище для беженцев", "виза"],
            "ar": ["محامي", "مساعدة قانونية", "لجوء", "تأشيرة", "إقامة"],
            "fa": ["وکیل", "کمک حقوقی", "پناهندگی", "ویزا", "اقامت"],
            "vi": ["luật sư", "trợ giúp pháp lý", "tị nạn", "thị thực", "giấy phép cư trú"],
            "zh-hans": ["律师", "法律援助", "庇护", "签证", "居留许可"],
            "tl": ["abogado", "tulong legal", "asylum", "visa", "permiso sa paninirahan"],
        },
    },
]
