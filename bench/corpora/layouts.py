"""The files a corpus is made of: which columns each has, under which headers.

Each table (a file, or one sheet of a workbook) speaks its own header vocabulary
(English CRM export, German fair list, French prospect list, Spanish workbook, a JSON
web-form feed) and its own conventions: how countries are named, how dates are written,
whether the name is one column or two. Core headers are ones the ingest maps (see
bizdev_assets/ingest/header_synonyms.yaml); secondary columns (Email 2, Private E-Mail,
Mobile 2, LinkedIn, birth date) are deliberately ones it does not map.

Fields starting with "$" are file bookkeeping (record ids, scan times, consent flags),
generated per row and not part of a person.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    fill: float = 1.0  # share of rows with a value; the rest are left empty


@dataclass(frozen=True)
class Table:
    file: str
    sheet: str  # "" unless the file is a workbook
    format: str  # csv | csv-cp1252 | tsv | ndjson | xlsx
    language: str  # salutations
    countries: str  # key of locales.COUNTRY_NAMES
    share: float  # share of the corpus's records
    columns: tuple[Column, ...]
    date_format: str = "%Y-%m-%d"
    full_name: str = "first_last"  # or "LAST_first" (French lists: "DUPONT Jean")

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(c.field for c in self.columns if not c.field.startswith("$"))


def _cols(spec: str) -> tuple[Column, ...]:
    """'Header=field@fill | ...' -> columns (fill defaults to 1)."""
    out = []
    for item in spec.split("|"):
        header, rest = (x.strip() for x in item.split("="))
        field, _, fill = rest.partition("@")
        out.append(Column(header, field, float(fill) if fill else 1.0))
    return tuple(out)


# fmt: off
WORLD: tuple[Table, ...] = (
    Table("crm_contacts_export.csv", "", "csv", "en", "en", 0.33, _cols(
        "Contact ID=$sfid | First Name=first | Last Name=last | Account Name=company@0.97 |"
        " Title=title@0.85 | Email=email | Email 2=email2 | Phone=phone | Mobile Phone=mobile |"
        " Mobile 2=mobile2 | Mailing Street=street@0.9 | Mailing Zip/Postal Code=postcode@0.9 |"
        " Mailing City=city@0.92 | Mailing Country=country@0.95 | Website=website@0.6 |"
        " LinkedIn URL=linkedin@0.9 | Birthdate=dob@0.6 | Lead Source=$lead_source |"
        " Last Modified Date=$updated")),
    Table("Messe_Kontakte_2025.csv", "", "csv-cp1252", "de", "de", 0.20, _cols(
        "Anrede=salutation@0.9 | Vorname=first | Name=last | Firma=company | Funktion=title@0.7 |"
        " E-Mail=email | Private E-Mail=email2 | Telefon=phone | Mobil=mobile | Straße=street@0.9 |"
        " PLZ=postcode@0.95 | Ort=city | Land=country@0.8 | Geburtsdatum=dob@0.5 |"
        " LinkedIn=linkedin@0.7"), date_format="%d.%m.%Y"),
    Table("prospects_salons.tsv", "", "tsv", "fr", "fr", 0.13, _cols(
        "Civilité=salutation@0.8 | Prénom=first | Nom=last | Société=company | Fonction=title@0.75 |"
        " Courriel=email | Téléphone=phone | Portable=mobile | Adresse=street@0.85 |"
        " Code postal=postcode@0.9 | Ville=city@0.95 | Pays=country@0.9 | Site web=website@0.5")),
    Table("webinar_registrations.ndjson", "", "ndjson", "en", "iso", 0.24, _cols(
        "id=$uuid | submitted_at=$updated_iso | first_name=first | last_name=last | email=email |"
        " alternate_email=email2 | company=company@0.9 | job_title=title@0.8 | phone=phone |"
        " address.street=street@0.6 | address.postal_code=postcode@0.7 | address.city=city@0.75 |"
        " address.country=country@0.9 | linkedin=linkedin@0.8 | marketing_opt_in=$consent |"
        " utm.source=$utm")),
    Table("contactos_eventos.xlsx", "Clientes", "xlsx", "es", "es", 0.06, _cols(
        "Nombre=first | Apellidos=last | Empresa=company | Cargo=title@0.8 |"
        " Correo electrónico=email | Correo 2=email2 | Teléfono=phone | Móvil=mobile |"
        " Dirección=street@0.85 | Código postal=postcode@0.85 | Ciudad=city@0.9 |"
        " País=country@0.9 | Fecha de nacimiento=dob@0.5"), date_format="%d/%m/%Y"),
    Table("contactos_eventos.xlsx", "Leads feria", "xlsx", "es", "es", 0.04, _cols(
        "Nombre completo=full | Empresa=company@0.9 | Correo electrónico=email | Teléfono=phone |"
        " Ciudad=city@0.8 | País=country@0.7")),
)

TRADESHOW: tuple[Table, ...] = (
    Table("badge_scans_day1.csv", "", "csv", "en", "en", 0.35, _cols(
        "Badge ID=$badge | Scan Time=$scan | Salutation=salutation@0.8 | First Name=first |"
        " Last Name=last | Company=company@0.95 | Job Title=title@0.8 | Email=email | Phone=phone |"
        " Mobile=mobile | Address 1=street | Zip=postcode | City=city | Country=country")),
    Table("besucher_halle3.csv", "", "csv-cp1252", "de", "de", 0.25, _cols(
        "Anrede=salutation@0.9 | Titel=$academic | Vorname=first | Nachname=last | Firma=company |"
        " Funktion=title@0.7 | E-Mail=email | Private E-Mail=email2 | Telefon=phone |"
        " Straße=street | PLZ=postcode | Ort=city | Land=country@0.9")),
    Table("exposants.xlsx", "Exposants", "xlsx", "fr", "fr", 0.15, _cols(
        "Nom complet=full | Société=company | Fonction=title@0.8 | Courriel=email |"
        " Portable=mobile | Adresse=street | Code postal=postcode | Ville=city | Pays=country"),
        full_name="LAST_first"),
    Table("exposants.xlsx", "Visiteurs", "xlsx", "fr", "fr", 0.10, _cols(
        "Prénom=first | Nom=last | Courriel=email | Téléphone=phone | Adresse=street |"
        " Code postal=postcode | Ville=city | Pays=country@0.9")),
    Table("leads_export.ndjson", "", "ndjson", "en", "iso", 0.15, _cols(
        "badge=$badge | first_name=first | last_name=last | company=company | job_title=title |"
        " email=email | phone=phone | address.street=street | address.zip=postcode |"
        " address.city=city | address.country=country")),
)
# fmt: on

_NAMES = {"salutation", "first", "last", "full"}
SHAPES: dict[str, frozenset[str]] = {
    "names_addresses": frozenset(_NAMES | {"company", "street", "postcode", "city", "country"}),
    "no_email": frozenset(
        _NAMES | {"company", "phone", "mobile", "street", "postcode", "city", "country"}
    ),
    "no_phone": frozenset(_NAMES | {"company", "email", "email2"}),
    "company_only": frozenset(_NAMES | {"company", "title"}),
}


def tradeshow_tables(shape: str) -> tuple[Table, ...]:
    """The trade-show files cut down to a shape's columns (file bookkeeping stays)."""
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}; choose one of {', '.join(SHAPES)}")
    keep = SHAPES[shape]
    return tuple(
        replace(
            t, columns=tuple(c for c in t.columns if c.field.startswith("$") or c.field in keep)
        )
        for t in TRADESHOW
    )
