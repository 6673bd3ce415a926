"""Header mapping: built-in synonyms, context rules for names, per-source overrides."""

from __future__ import annotations

import pytest

from bizdev_assets.ingest.canonical import CANONICAL_FIELDS
from bizdev_assets.ingest.headers import HeaderMapping, HeaderMappingError, normalize_header

MAPPING = HeaderMapping.load()

CRM_EXPORT = {
    "Contact ID": "source_record_id",
    "First Name": "first_name",
    "Last Name": "last_name",
    "Email": "email",
    "Account Name": "company",
    "Title": "title",
    "Phone": "phone",
    "Mobile Phone": "mobile",
    "Mailing Street": "street",
    "Mailing City": "city",
    "Mailing State/Province": "state",
    "Mailing Zip/Postal Code": "postal_code",
    "Mailing Country": "country",
    "Lead Source": "lead_source",
    "Email Opt In": "gdpr_consent",
    "Opt In Date": "gdpr_consent_date",
    "Last Modified Date": "record_updated_at",
}
MESSE = {
    "Anrede": None,
    "Vorname": "first_name",
    "Nachname": "last_name",
    "Firma": "company",
    "Position": "title",
    "E-Mail": "email",
    "Telefon": "phone",
    "Mobil": "mobile",
    "Straße": "street",
    "PLZ": "postal_code",
    "Ort": "city",
    "Land": "country",
    "Einwilligung": "gdpr_consent",
    "Datum der Einwilligung": "gdpr_consent_date",
}
PARTNERS = {
    "Name": "full_name",
    "Company": "company",
    "Job Title": "title",
    "Email Address": "email",
    "Phone Number": "phone",
    "Website": "website",
    "City": "city",
    "Country": "country",
    "Notes": None,
}
FRENCH_SHEET = {
    "Prénom": "first_name",
    "Nom": "last_name",
    "Société": "company",
    "Fonction": "title",
    "Courriel": "email",
    "Téléphone": "phone",
    "Portable": "mobile",
    "Ville": "city",
    "Pays": "country",
    "Consentement": "gdpr_consent",
}
SPANISH_SHEET = {
    "Nombre": "first_name",
    "Apellidos": "last_name",
    "Empresa": "company",
    "Cargo": "title",
    "Correo electrónico": "email",
    "Teléfono": "phone",
    "Móvil": "mobile",
    "Ciudad": "city",
    "País": "country",
    "Consentimiento": "gdpr_consent",
}
WEBFORM = {
    "submission_id": "source_record_id",
    "submitted_at": "record_updated_at",
    "form": None,
    "fields.firstname": "first_name",
    "fields.lastname": "last_name",
    "fields.email": "email",
    "fields.phone": "phone",
    "fields.company": "company",
    "fields.jobtitle": "title",
    "fields.country": "country",
    "fields.gdpr_consent": "gdpr_consent",
    "utm.source": "lead_source",
}
HUBSPOT = {
    "id": "source_record_id",
    "properties.firstname": "first_name",
    "properties.lastname": "last_name",
    "properties.email": "email",
    "properties.phone": "phone",
    "properties.mobilephone": "mobile",
    "properties.company": "company",
    "properties.jobtitle": "title",
    "properties.website": "website",
    "properties.city": "city",
    "properties.country": "country",
    "properties.hs_lastmodifieddate": "record_updated_at",
}


def expected_mapping(headers: dict[str, str | None]) -> dict[str, str]:
    return {header: target for header, target in headers.items() if target is not None}


@pytest.mark.parametrize(
    "headers",
    [CRM_EXPORT, MESSE, PARTNERS, FRENCH_SHEET, SPANISH_SHEET, WEBFORM, HUBSPOT],
    ids=["crm_export", "messe", "partners", "french_sheet", "spanish_sheet", "webform", "hubspot"],
)
def test_demo_header_sets_map_every_column_to_the_intended_field(headers):
    assert MAPPING.map_columns(list(headers), "demo/file") == expected_mapping(headers)


def test_matching_ignores_case_accents_whitespace_and_punctuation():
    columns = ["  E_MAIL ", "PRENOM", "nom", "telephone", "strasse", "zip/postal-code"]
    assert MAPPING.map_columns(columns, "x.csv") == {
        "  E_MAIL ": "email",
        "PRENOM": "first_name",
        "nom": "last_name",
        "telephone": "phone",
        "strasse": "street",
        "zip/postal-code": "postal_code",
    }


def test_german_name_beside_vorname_is_the_surname():
    assert MAPPING.map_columns(["Vorname", "Name"], "x.csv") == {
        "Vorname": "first_name",
        "Name": "last_name",
    }


def test_name_alone_is_the_full_name():
    assert MAPPING.map_columns(["Name", "Firma"], "x.csv")["Name"] == "full_name"


def test_spanish_nombre_beside_apellidos_is_the_given_name():
    assert MAPPING.map_columns(["Apellidos", "Nombre"], "x.csv") == {
        "Apellidos": "last_name",
        "Nombre": "first_name",
    }


def test_name_beside_both_halves_is_the_full_name():
    mapped = MAPPING.map_columns(["First Name", "Last Name", "Name"], "x.csv")
    assert mapped["Name"] == "full_name"


def test_salutation_stays_unmapped():
    assert MAPPING.map_columns(["Anrede", "E-Mail"], "x.csv") == {"E-Mail": "email"}


def test_nested_key_matches_on_its_last_segment():
    assert MAPPING.map_columns(["payload.contact.email", "meta.Company Name"], "x.json") == {
        "payload.contact.email": "email",
        "meta.Company Name": "company",
    }


@pytest.mark.parametrize(
    "header", ["id", "record_id", "Contact ID", "Record ID", "Lead ID", "hs_object_id", "LEAD-ID"]
)
def test_the_files_own_id_column_maps_to_source_record_id(header):
    assert MAPPING.map_columns([header, "Email"], "x.csv")[header] == "source_record_id"


def test_second_column_for_the_same_field_is_left_unmapped_with_a_warning():
    plan = MAPPING.plan(["Email", "Work Email"], "x.csv")
    assert plan.mapping == {"Email": "email"}
    assert plan.unmapped(["Email", "Work Email"]) == ["Work Email"]
    assert "'Email' and 'Work Email' both map to email" in plan.warnings[0]


def test_override_maps_a_column_for_matching_files_only(tmp_path):
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text(
        "- match: 'messe/*.csv'\n"
        "  columns:\n"
        "    Tel. 2: mobile\n"
        "    Anrede: ignore\n"
        "    Position: department\n",
        encoding="utf-8",
    )
    mapping = HeaderMapping.load(overrides)
    columns = ["Anrede", "Position", "Tel. 2", "E-Mail"]
    plan = mapping.plan(columns, "messe/2024.csv")
    assert plan.mapping == {"Position": "department", "Tel. 2": "mobile", "E-Mail": "email"}
    assert plan.ignored == {"Anrede"}
    assert mapping.map_columns(columns, "other.csv") == {"Position": "title", "E-Mail": "email"}


def test_override_glob_may_name_just_the_file(tmp_path):
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text("- match: partners.tsv\n  columns: {Notes: consent_source}\n")
    mapping = HeaderMapping.load(overrides)
    assert mapping.map_columns(["Notes"], "drop/2024/partners.tsv") == {"Notes": "consent_source"}


def test_override_naming_an_unknown_field_is_rejected_with_file_and_entry(tmp_path):
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text("- match: '*.csv'\n  columns: {Tel: phone_number}\n")
    with pytest.raises(HeaderMappingError) as raised:
        HeaderMapping.load(overrides)
    message = str(raised.value)
    assert str(overrides) in message
    assert "entry 1" in message and "'phone_number' is not a canonical field" in message


def test_override_file_that_is_not_yaml_is_rejected_naming_the_file(tmp_path):
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text("- match: '*.csv'\n  columns: {Tel: [phone\n")
    with pytest.raises(HeaderMappingError, match="not valid YAML") as raised:
        HeaderMapping.load(overrides)
    assert str(overrides) in str(raised.value)


def test_override_entry_without_columns_is_rejected(tmp_path):
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text("- match: '*.csv'\n")
    with pytest.raises(HeaderMappingError, match="exactly the keys 'match' and 'columns'"):
        HeaderMapping.load(overrides)


def test_builtin_synonyms_cover_every_canonical_field():
    mapped = {MAPPING.map_columns([field], "x.csv").get(field) for field in CANONICAL_FIELDS}
    assert mapped == set(CANONICAL_FIELDS)


def test_normalize_header_folds_accents_case_and_punctuation():
    assert normalize_header(" Código-Postal ") == "codigopostal"
    assert normalize_header("STRASSE") == normalize_header("Straße")
