import polars as pl
import pytest

from bizdev_assets.normalize.titles import department, seniority, title_columns


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("CEO", "c_level"), ("Chief Financial Officer", "c_level"), ("Geschäftsführer", "c_level"),
        ("PDG", "c_level"), ("Directeur Général", "c_level"), ("VP Sales", "vp"),
        ("Vice President Marketing", "vp"), ("Head of Engineering", "director"),
        ("Leiter Vertrieb", "director"), ("Directora de Marketing", "director"),
        ("Sales Manager", "manager"), ("Senior Software Engineer", "senior"),
        ("Software Engineer", "individual"), ("Product Owner", "individual"), (None, "unknown"),
    ],
)  # fmt: skip
def test_titles_map_to_seniority(title, level):
    assert seniority(title) == level


@pytest.mark.parametrize(
    ("text", "bucket"),
    [
        ("Vertrieb", "sales"), ("Directeur des ventes", "sales"), ("Jefe de Ventas", "sales"),
        ("Marketing Manager", "marketing"), ("Softwareentwickler", "engineering"),
        ("Ingénieur logiciel", "engineering"), ("Finanzen", "finance"), ("Personal", "hr"),
        ("RRHH", "hr"), ("Legal Counsel", "legal"), ("IT Administrator", "it"),
        ("Customer Success Manager", "support"), ("Einkauf", "operations"),
    ],
)  # fmt: skip
def test_keywords_in_four_languages_map_to_departments(text, bucket):
    assert department(text) == bucket


def test_department_column_wins_over_title_and_gaps_are_unknown_or_other():
    out = title_columns(
        pl.Series(["CEO", None, "Werkstudent", None]), pl.Series(["Vertrieb", "IT", None, None])
    )
    assert out.to_dicts() == [
        {"seniority": "c_level", "department": "sales"},
        {"seniority": "unknown", "department": "it"},
        {"seniority": "individual", "department": "other"},
        {"seniority": "unknown", "department": "unknown"},
    ]
