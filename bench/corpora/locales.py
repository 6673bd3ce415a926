"""Hand-made facts about each locale that Faker does not model well for contact lists.

Faker gives names and street names, but real business-contact files cluster in big
cities whose postal codes and telephone area codes agree, and companies carry legal forms,
industry words and free-mail providers that differ by country. Those facts live here,
written down from how such lists look, so the generators never depend on the product's
own demo generator.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    name: str
    postcode_prefixes: tuple[str, ...]
    area_code: str  # landline area code without trunk prefix (US: the NPA)


@dataclass(frozen=True)
class Locale:
    code: str  # Faker locale
    language: str
    country: str  # ISO 3166 alpha-2
    postcode_pattern: str  # '#' digit, '?' letter; GB is special-cased in places.py
    tld: str
    free_mail: tuple[str, ...]  # most common first
    legal_forms: tuple[str, ...]
    industries: tuple[str, ...]
    industry_first: bool  # "Transportes Pérez" rather than "Pérez Transportes"
    titles: tuple[str, ...]
    cities: tuple[City, ...]
    double_surname_rate: float  # Spanish/Portuguese two surnames
    umlaut_email: bool  # ü -> ue in e-mail local parts (German habit)


def _c(name: str, prefixes: str, area: str) -> City:
    return City(name, tuple(prefixes.split()), area)


# fmt: off
LOCALES: tuple[Locale, ...] = (
    Locale(
        code="de_DE", language="de", country="DE", postcode_pattern="#####", tld="de",
        free_mail=("gmx.de", "web.de", "t-online.de", "gmail.com", "googlemail.com", "outlook.de", "yahoo.de"),
        legal_forms=("GmbH", "GmbH", "GmbH", "AG", "GmbH & Co. KG", "KG", "e.K.", "UG (haftungsbeschränkt)"),
        industries=("Logistik", "Bau", "Consulting", "Maschinenbau", "Elektrotechnik", "Software",
                    "Immobilien", "Medizintechnik", "Handel", "Druck", "Energie", "Personalservice"),
        industry_first=False,
        titles=("Geschäftsführer", "Geschäftsführerin", "Vertriebsleiter", "Leiterin Einkauf",
                "Key Account Manager", "Prokurist", "Inhaber", "Sachbearbeiterin Einkauf",
                "Head of Sales", "Projektleiter", "IT-Leiter", "Assistentin der Geschäftsführung",
                "Marketing Manager", "Vertriebsinnendienst"),
        cities=(_c("Berlin", "10 12 13", "30"), _c("Hamburg", "20 21 22", "40"),
                _c("München", "80 81", "89"), _c("Köln", "50 51", "221"),
                _c("Frankfurt am Main", "60", "69"), _c("Stuttgart", "70", "711"),
                _c("Düsseldorf", "40", "211"), _c("Leipzig", "04", "341"),
                _c("Nürnberg", "90", "911"), _c("Hannover", "30", "511")),
        double_surname_rate=0.0, umlaut_email=True,
    ),
    Locale(
        code="fr_FR", language="fr", country="FR", postcode_pattern="#####", tld="fr",
        free_mail=("orange.fr", "gmail.com", "free.fr", "wanadoo.fr", "laposte.net", "sfr.fr", "hotmail.fr"),
        legal_forms=("SARL", "SAS", "SA", "SAS", "EURL"),
        industries=("Transports", "Bâtiment", "Conseil", "Informatique", "Immobilier", "Distribution",
                    "Industries", "Services", "Énergie", "Emballages"),
        industry_first=True,
        titles=("Directeur commercial", "Directrice marketing", "Responsable achats", "Chef de projet",
                "Gérant", "PDG", "Ingénieur commercial", "Assistante de direction",
                "Responsable informatique", "Chargé d'affaires", "Key Account Manager"),
        cities=(_c("Paris", "7500 7501", "1"), _c("Lyon", "690", "4"), _c("Marseille", "130", "4"),
                _c("Toulouse", "310", "5"), _c("Nantes", "440", "2"), _c("Strasbourg", "670", "3"),
                _c("Bordeaux", "330", "5"), _c("Lille", "590", "3")),
        double_surname_rate=0.0, umlaut_email=False,
    ),
    Locale(
        code="es_ES", language="es", country="ES", postcode_pattern="#####", tld="es",
        free_mail=("gmail.com", "hotmail.com", "hotmail.es", "yahoo.es", "outlook.es", "telefonica.net"),
        legal_forms=("S.L.", "S.L.", "S.A.", "S.L.U.", "S.Coop."),
        industries=("Construcciones", "Transportes", "Consultoría", "Distribuciones", "Inmobiliaria",
                    "Ingeniería", "Servicios", "Tecnologías", "Suministros"),
        industry_first=True,
        titles=("Director comercial", "Directora de marketing", "Gerente", "Responsable de compras",
                "Jefe de proyecto", "Consejero delegado", "Técnico comercial", "Administrativa",
                "Director general", "Key Account Manager"),
        cities=(_c("Madrid", "280", "91"), _c("Barcelona", "080", "93"), _c("Valencia", "460", "96"),
                _c("Sevilla", "410", "95"), _c("Zaragoza", "500", "976"), _c("Málaga", "290", "952"),
                _c("Bilbao", "480", "94"), _c("Alicante", "030", "965")),
        double_surname_rate=0.75, umlaut_email=False,
    ),
    Locale(
        code="pt_BR", language="pt", country="BR", postcode_pattern="#####-###", tld="com.br",
        free_mail=("gmail.com", "hotmail.com", "uol.com.br", "bol.com.br", "yahoo.com.br", "outlook.com"),
        legal_forms=("Ltda.", "Ltda.", "S.A.", "ME", "EIRELI"),
        industries=("Construtora", "Transportes", "Consultoria", "Comércio", "Engenharia", "Tecnologia",
                    "Alimentos", "Distribuidora"),
        industry_first=True,
        titles=("Diretor comercial", "Gerente de vendas", "Analista de compras",
                "Coordenadora de marketing", "Sócio-diretor", "Gerente de TI", "Consultor",
                "Assistente administrativo", "Diretora financeira"),
        cities=(_c("São Paulo", "01 02 03 04 05", "11"), _c("Rio de Janeiro", "20 21 22", "21"),
                _c("Belo Horizonte", "30", "31"), _c("Curitiba", "80", "41"),
                _c("Porto Alegre", "90", "51"), _c("Brasília", "70", "61"),
                _c("Salvador", "40", "71"), _c("Recife", "50", "81")),
        double_surname_rate=0.55, umlaut_email=False,
    ),
    Locale(
        code="it_IT", language="it", country="IT", postcode_pattern="#####", tld="it",
        free_mail=("gmail.com", "libero.it", "virgilio.it", "alice.it", "hotmail.it", "tiscali.it"),
        legal_forms=("S.r.l.", "S.r.l.", "S.p.A.", "S.n.c.", "S.a.s."),
        industries=("Costruzioni", "Trasporti", "Consulenze", "Impianti", "Informatica", "Immobiliare",
                    "Meccanica", "Servizi"),
        industry_first=True,
        titles=("Direttore commerciale", "Responsabile acquisti", "Amministratore delegato",
                "Titolare", "Responsabile marketing", "Project manager", "Impiegata amministrativa",
                "Area manager", "Responsabile IT"),
        cities=(_c("Milano", "201", "02"), _c("Roma", "001", "06"), _c("Torino", "101", "011"),
                _c("Napoli", "801", "081"), _c("Bologna", "401", "051"), _c("Firenze", "501", "055"),
                _c("Genova", "161", "010"), _c("Venezia", "301", "041")),
        double_surname_rate=0.0, umlaut_email=False,
    ),
    Locale(
        code="pl_PL", language="pl", country="PL", postcode_pattern="##-###", tld="pl",
        free_mail=("wp.pl", "onet.pl", "gmail.com", "o2.pl", "interia.pl", "op.pl"),
        legal_forms=("Sp. z o.o.", "Sp. z o.o.", "S.A.", "s.c.", "Sp.k."),
        industries=("Budownictwo", "Transport", "Doradztwo", "Handel", "Usługi", "Systemy", "Logistyka"),
        industry_first=True,
        titles=("Dyrektor handlowy", "Kierownik zakupów", "Prezes zarządu",
                "Specjalista ds. marketingu", "Kierownik projektu", "Właściciel",
                "Przedstawiciel handlowy", "Key Account Manager", "Księgowa"),
        cities=(_c("Warszawa", "00 01 02 03 04", "22"), _c("Kraków", "30 31", "12"),
                _c("Wrocław", "50 51 52 53", "71"), _c("Poznań", "60 61", "61"),
                _c("Gdańsk", "80", "58"), _c("Łódź", "90 91 92 93", "42"),
                _c("Katowice", "40", "32"), _c("Szczecin", "70 71", "91")),
        double_surname_rate=0.0, umlaut_email=False,
    ),
    Locale(
        code="nl_NL", language="nl", country="NL", postcode_pattern="#### ??", tld="nl",
        free_mail=("gmail.com", "hotmail.com", "ziggo.nl", "kpnmail.nl", "outlook.com", "live.nl"),
        legal_forms=("B.V.", "B.V.", "B.V.", "N.V.", "V.O.F."),
        industries=("Bouw", "Transport", "Advies", "Techniek", "Installatietechniek", "Logistiek",
                    "Vastgoed", "ICT"),
        industry_first=False,
        titles=("Directeur", "Commercieel directeur", "Inkoper", "Accountmanager", "Projectleider",
                "Marketingmanager", "Eigenaar", "Office manager", "Teamleider verkoop"),
        cities=(_c("Amsterdam", "10 11", "20"), _c("Rotterdam", "30 31", "10"),
                _c("Den Haag", "25", "70"), _c("Utrecht", "35", "30"), _c("Eindhoven", "56", "40"),
                _c("Groningen", "97", "50"), _c("Tilburg", "50", "13")),
        double_surname_rate=0.0, umlaut_email=False,
    ),
    Locale(
        code="en_GB", language="en", country="GB", postcode_pattern="UK", tld="co.uk",
        free_mail=("gmail.com", "hotmail.co.uk", "btinternet.com", "yahoo.co.uk", "outlook.com", "sky.com"),
        legal_forms=("Ltd", "Ltd", "Limited", "PLC", "LLP"),
        industries=("Logistics", "Construction", "Consulting", "Engineering", "Solutions", "Systems",
                    "Property", "Recruitment"),
        industry_first=False,
        titles=("Managing Director", "Head of Sales", "Sales Director", "Procurement Manager",
                "Marketing Manager", "Account Manager", "Operations Manager", "Founder",
                "Business Development Manager", "Office Manager", "Finance Director"),
        cities=(_c("London", "EC1A EC2V W1D SW1A E14 N1 SE1 WC2N", "20"),
                _c("Manchester", "M1 M2 M4", "161"), _c("Birmingham", "B1 B3", "121"),
                _c("Leeds", "LS1 LS2", "113"), _c("Glasgow", "G1 G2", "141"),
                _c("Edinburgh", "EH1 EH2", "131"), _c("Bristol", "BS1", "117")),
        double_surname_rate=0.0, umlaut_email=False,
    ),
    Locale(
        code="en_US", language="en", country="US", postcode_pattern="#####", tld="com",
        free_mail=("gmail.com", "yahoo.com", "outlook.com", "aol.com", "icloud.com", "comcast.net"),
        legal_forms=("Inc.", "LLC", "Inc.", "Corp.", "Co."),
        industries=("Logistics", "Construction", "Consulting", "Software", "Solutions", "Systems",
                    "Manufacturing", "Analytics", "Partners"),
        industry_first=False,
        titles=("CEO", "VP Sales", "Sales Director", "Purchasing Manager", "Marketing Manager",
                "Account Executive", "Operations Manager", "Founder", "VP Business Development",
                "IT Director", "Office Manager", "Controller"),
        cities=(_c("New York", "100 101", "212"), _c("Chicago", "606", "312"),
                _c("San Francisco", "941", "415"), _c("Los Angeles", "900", "213"),
                _c("Boston", "021", "617"), _c("Austin", "787", "512"), _c("Seattle", "981", "206"),
                _c("Atlanta", "303", "404"), _c("Denver", "802", "303")),
        double_surname_rate=0.0, umlaut_email=False,
    ),
)

# Share of people per locale in a Europe-centred B2B contact base.
WORLD_MIX: dict[str, float] = {
    "de_DE": 0.22, "fr_FR": 0.14, "es_ES": 0.12, "pt_BR": 0.09, "it_IT": 0.12,
    "pl_PL": 0.09, "nl_NL": 0.08, "en_GB": 0.07, "en_US": 0.07,
}
# Visitors of a trade fair in Germany: more Germans and neighbours.
FAIR_MIX: dict[str, float] = {
    "de_DE": 0.38, "fr_FR": 0.08, "es_ES": 0.06, "pt_BR": 0.03, "it_IT": 0.09,
    "pl_PL": 0.12, "nl_NL": 0.12, "en_GB": 0.07, "en_US": 0.05,
}

COUNTRY_NAMES: dict[str, dict[str, str]] = {
    "en": {"DE": "Germany", "FR": "France", "ES": "Spain", "BR": "Brazil", "IT": "Italy",
           "PL": "Poland", "NL": "Netherlands", "GB": "United Kingdom", "US": "United States"},
    "de": {"DE": "Deutschland", "FR": "Frankreich", "ES": "Spanien", "BR": "Brasilien",
           "IT": "Italien", "PL": "Polen", "NL": "Niederlande", "GB": "Großbritannien",
           "US": "USA"},
    "fr": {"DE": "Allemagne", "FR": "France", "ES": "Espagne", "BR": "Brésil", "IT": "Italie",
           "PL": "Pologne", "NL": "Pays-Bas", "GB": "Royaume-Uni", "US": "États-Unis"},
    "es": {"DE": "Alemania", "FR": "Francia", "ES": "España", "BR": "Brasil", "IT": "Italia",
           "PL": "Polonia", "NL": "Países Bajos", "GB": "Reino Unido", "US": "Estados Unidos"},
    "iso": {c: c for c in ("DE", "FR", "ES", "BR", "IT", "PL", "NL", "GB", "US")},
}
# fmt: on
