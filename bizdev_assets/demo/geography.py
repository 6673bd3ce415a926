"""Countries, cities and phone plans the demo population lives in.

Each city carries its own postcode pattern and phone area code, so a generated
person's postcode, city and landline agree with each other the way real records
mostly do. Numbers follow each country's real numbering plan (they validate with
libphonenumber), because a benchmark full of invalid phones would test nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    name: str
    state: str
    postcode: str  # pattern: '#' is a digit, '@' an upper-case letter
    area: str  # phone area code without trunk prefix
    digits: int  # subscriber digits after the area code


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    calling: str  # country calling code without '+'
    trunk: str  # national trunk prefix ('0'), '' where there is none
    locale: str  # Faker locale its people's names come from
    lang: str  # language of titles and company words: en, de, fr, es
    latin: bool  # False: names are written in Cyrillic, CJK or Arabic script
    names: dict[str, str]  # country name by language: en, de, fr, es
    aliases: tuple[str, ...]  # other English spellings people type
    tlds: tuple[str, ...]
    mobiles: tuple[tuple[str, int], ...]  # (mobile prefix, subscriber digits)
    cities: tuple[City, ...]


def _names(en: str, de: str, fr: str, es: str) -> dict[str, str]:
    return {"en": en, "de": de, "fr": fr, "es": es}


# fmt: off
# Each Country(...): code, calling code, trunk prefix, name locale, language, Latin script,
# then names, aliases, domain endings, mobile plans and cities.
COUNTRIES: dict[str, Country] = {
    c.code: c
    for c in (
        Country(
            "US", "1", "", "en_US", "en", True,
            _names("United States", "USA", "États-Unis", "Estados Unidos"),
            ("USA", "US", "United States of America"),
            (".com", ".com", ".com", ".io", ".co"),
            (("415", 7), ("646", 7), ("917", 7), ("312", 7)),
            (
                City("San Francisco", "CA", "941##", "415", 7),
                City("New York", "NY", "100##", "212", 7),
                City("Chicago", "IL", "606##", "312", 7),
                City("Boston", "MA", "021##", "617", 7),
                City("Seattle", "WA", "981##", "206", 7),
                City("Austin", "TX", "787##", "512", 7),
                City("Atlanta", "GA", "303##", "404", 7),
                City("Denver", "CO", "802##", "303", 7),
            ),
        ),
        Country(
            "GB", "44", "0", "en_GB", "en", True,
            _names("United Kingdom", "Vereinigtes Königreich", "Royaume-Uni", "Reino Unido"),
            ("UK", "Great Britain", "England"),
            (".co.uk", ".co.uk", ".com", ".uk"),
            (("77", 8), ("78", 8), ("79", 8)),
            (
                City("London", "Greater London", "EC#@ #@@", "20", 8),
                City("Manchester", "Greater Manchester", "M# #@@", "161", 7),
                City("Birmingham", "West Midlands", "B# #@@", "121", 7),
                City("Edinburgh", "Scotland", "EH# #@@", "131", 7),
                City("Leeds", "West Yorkshire", "LS# #@@", "113", 7),
                City("Bristol", "Bristol", "BS# #@@", "117", 7),
            ),
        ),
        Country(
            "DE", "49", "0", "de_DE", "de", True,
            _names("Germany", "Deutschland", "Allemagne", "Alemania"),
            ("DE", "Deutschland", "Federal Republic of Germany"),
            (".de", ".de", ".de", ".com", ".eu"),
            (("151", 8), ("160", 7), ("170", 7), ("171", 7), ("176", 8)),
            (
                City("München", "Bayern", "80###", "89", 7),
                City("Berlin", "Berlin", "10###", "30", 8),
                City("Hamburg", "Hamburg", "20###", "40", 8),
                City("Frankfurt am Main", "Hessen", "60###", "69", 8),
                City("Köln", "Nordrhein-Westfalen", "50###", "221", 7),
                City("Stuttgart", "Baden-Württemberg", "70###", "711", 7),
                City("Düsseldorf", "Nordrhein-Westfalen", "40###", "211", 7),
                City("Nürnberg", "Bayern", "90###", "911", 7),
                City("Leipzig", "Sachsen", "04###", "341", 7),
                City("Hannover", "Niedersachsen", "30###", "511", 7),
            ),
        ),
        Country(
            "AT", "43", "0", "de_DE", "de", True,
            _names("Austria", "Österreich", "Autriche", "Austria"),
            ("AT", "Österreich"),
            (".at", ".at", ".com"),
            (("664", 7), ("676", 7), ("699", 8)),
            (
                City("Wien", "Wien", "1###", "1", 7),
                City("Graz", "Steiermark", "80##", "316", 6),
                City("Linz", "Oberösterreich", "40##", "732", 6),
                City("Salzburg", "Salzburg", "50##", "662", 6),
            ),
        ),
        Country(
            "CH", "41", "0", "de_DE", "de", True,
            _names("Switzerland", "Schweiz", "Suisse", "Suiza"),
            ("CH", "Schweiz", "Suisse"),
            (".ch", ".ch", ".com"),
            (("76", 7), ("78", 7), ("79", 7)),
            (
                City("Zürich", "ZH", "80##", "44", 7),
                City("Bern", "BE", "30##", "31", 7),
                City("Genève", "GE", "12##", "22", 7),
                City("Basel", "BS", "40##", "61", 7),
            ),
        ),
        Country(
            "FR", "33", "0", "fr_FR", "fr", True,
            _names("France", "Frankreich", "France", "Francia"),
            ("FR", "République française"),
            (".fr", ".fr", ".com"),
            (("6", 8), ("7", 8)),
            (
                City("Paris", "Île-de-France", "750##", "1", 8),
                City("Lyon", "Auvergne-Rhône-Alpes", "690##", "4", 8),
                City("Marseille", "Provence-Alpes-Côte d'Azur", "130##", "4", 8),
                City("Toulouse", "Occitanie", "310##", "5", 8),
                City("Lille", "Hauts-de-France", "590##", "3", 8),
            ),
        ),
        Country(
            "ES", "34", "", "es_ES", "es", True,
            _names("Spain", "Spanien", "Espagne", "España"),
            ("ES", "España"),
            (".es", ".es", ".com"),
            (("6", 8),),
            (
                City("Madrid", "Madrid", "280##", "91", 7),
                City("Barcelona", "Cataluña", "080##", "93", 7),
                City("Valencia", "Comunidad Valenciana", "460##", "96", 7),
                City("Sevilla", "Andalucía", "410##", "95", 7),
                City("Bilbao", "País Vasco", "480##", "94", 7),
            ),
        ),
        Country(
            "RU", "7", "8", "ru_RU", "en", False,
            _names("Russia", "Russland", "Russie", "Rusia"),
            ("Russian Federation", "RU"),
            (".ru",),
            (("916", 7), ("925", 7)),
            (City("Moscow", "", "1#####", "495", 7),),
        ),
        Country(
            "CN", "86", "0", "zh_CN", "en", False,
            _names("China", "China", "Chine", "China"),
            ("PRC", "CN"),
            (".cn", ".com.cn"),
            (("138", 8), ("139", 8)),
            (
                City("Beijing", "Beijing", "100###", "10", 8),
                City("Shanghai", "Shanghai", "200###", "21", 8),
            ),
        ),
        Country(
            "JP", "81", "0", "ja_JP", "en", False,
            _names("Japan", "Japan", "Japon", "Japón"),
            ("JP",),
            (".jp", ".co.jp"),
            (("90", 8),),
            (
                City("Tokyo", "Tokyo", "1##-####", "3", 8),
                City("Osaka", "Osaka", "5##-####", "6", 8),
            ),
        ),
        Country(
            "AE", "971", "0", "ar_AA", "en", False,
            _names(
                "United Arab Emirates",
                "Vereinigte Arabische Emirate",
                "Émirats arabes unis",
                "Emiratos Árabes Unidos",
            ),
            ("UAE", "AE"),
            (".ae", ".com"),
            (("50", 7),),
            (City("Dubai", "Dubai", "", "4", 7), City("Abu Dhabi", "Abu Dhabi", "", "2", 7)),
        ),
    )
}
# fmt: on


# Where a person whose first record lands in a file most likely lives: a Munich trade
# show is mostly DACH, the Paris salon mostly French, the CRM mostly US/UK.
COUNTRY_MIX: dict[str, dict[str, float]] = {
    "crm": {"US": 0.35, "GB": 0.2, "DE": 0.2, "FR": 0.08, "ES": 0.07, "AT": 0.05, "CH": 0.05},
    "messe": {"DE": 0.6, "AT": 0.12, "CH": 0.1, "FR": 0.06, "GB": 0.05, "US": 0.04, "ES": 0.03},
    "partners": {"US": 0.3, "GB": 0.25, "DE": 0.2, "FR": 0.1, "ES": 0.1, "CH": 0.05},
    "paris": {"FR": 0.55, "CH": 0.1, "DE": 0.1, "GB": 0.1, "ES": 0.1, "US": 0.05},
    "madrid": {"ES": 0.6, "FR": 0.1, "DE": 0.1, "GB": 0.1, "US": 0.1},
    "web": {"US": 0.3, "GB": 0.2, "DE": 0.2, "FR": 0.1, "ES": 0.1, "AT": 0.05, "CH": 0.05},
}
