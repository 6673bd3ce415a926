"""Job titles to seniority and department buckets, from English, German, French and
Spanish keywords.

Seniority is decided by the first rule that matches, most senior first, so
"VP Sales & Marketing Director" is `vp`. "Director General" / "Directeur Général" /
"Director/a General" (the top executive in France and Spain) is `c_level`; other
director titles, "Head of", "Leiter" and "Directeur" are `director`.
"""

from __future__ import annotations

import re

import polars as pl

from bizdev_assets.normalize.text import ascii_fold, map_unique

SENIORITIES = ("c_level", "vp", "director", "manager", "senior", "individual", "unknown")
DEPARTMENTS = (
    "sales",
    "marketing",
    "engineering",
    "it",
    "finance",
    "hr",
    "operations",
    "legal",
    "product",
    "executive",
    "support",
    "other",
    "unknown",
)

# Patterns run on folded lowercase text; \b keeps "cto" out of "director".
_SENIORITY_RULES: tuple[tuple[str, str], ...] = (
    (
        "c_level",
        r"\b(ceo|cfo|cto|coo|cio|cmo|cro|cso|cpo|cdo|chro|ciso|chief|{president}|presidente"
        r"|founder|co-founder|cofounder|{owner}|inhaber|geschaftsfuhrer(in)?|geschaftsfuhrung"
        r"|vorstand|vorstandsvorsitzende[r]?|managing director|pdg|p-dg|directeur general"
        r"|directrice generale|director general|directora general|director/a general"
        r"|consejero delegado|gerente general|partner)\b",
    ),
    ("vp", r"\b(vp|svp|evp|avp|vice[ -]president|vizeprasident|vice-presidente?)\b"),
    (
        "director",
        r"\b(director|directora|director/a|directeur|directrice|direktor(in)?|head of|head"
        r"|leiter(in)?|bereichsleiter(in)?|abteilungsleiter(in)?|jefe de|jefa de)\b",
    ),
    (
        "manager",
        r"\b(manager(in)?|mgr|responsable|gerente|lead|team ?lead|teamleiter(in)?"
        r"|supervisor|coordinator|koordinator(in)?|chef de|charge de)\b",
    ),
    ("senior", r"\b(senior|sr|principal|staff|expert|specialist|spezialist(in)?)\b"),
)

_DEPARTMENT_RULES: tuple[tuple[str, str], ...] = (
    (
        "executive",
        r"\b(ceo|chief executive|managing director|geschaftsfuhr|pdg|founder|{owner}"
        r"|inhaber|{president}|vorstand|directeur general|director general|general manager)",
    ),
    (
        "sales",
        r"\b(sales|vertrieb|verkauf|vente|ventes|ventas|comercial|commercial|account"
        r" (executive|manager)|business development|bizdev|bdr|sdr|key account|cro\b)",
    ),
    (
        "marketing",
        r"\b(marketing|cmo\b|brand|growth|communications?|kommunikation|seo|content"
        r"|pr\b|mercadotecnia|publicidad)",
    ),
    ("product", r"\b(product|produkt|produit|producto|cpo\b|ux|design)"),
    (
        "engineering",
        r"\b(engineer|engineering|entwickl|developer|software|devops|ingenieur"
        r"|ingeniero|ingenieria|cto\b|r&d|research|forschung|architect|programmer|data scien)",
    ),
    (
        "it",
        r"\b(it\b|cio\b|ciso\b|information technology|informatik|informatique|informatica"
        r"|sysadmin|system administrator|systems?|infrastructure|network|security|helpdesk it)",
    ),
    (
        "finance",
        r"\b(finance|financial|finanz|finances|finanzas|cfo\b|controller|controlling"
        r"|accounting|accountant|buchhalt|comptab|contab|treasur|tesorer|audit)",
    ),
    (
        "hr",
        r"\b(hr\b|human resources|people|talent|recruit|personal|personalabteilung"
        r"|ressources humaines|rrhh|recursos humanos|chro\b)",
    ),
    (
        "legal",
        r"\b(legal|counsel|lawyer|attorney|jurist|recht|juridique|juridico|abogad"
        r"|compliance|datenschutz|privacy)",
    ),
    (
        "operations",
        r"\b(operations|operating|coo\b|betrieb|logistics|logistik|logistique"
        r"|logistica|supply chain|procurement|einkauf|purchasing|achats|compras|produktion"
        r"|production|operaciones)",
    ),
    (
        "support",
        r"\b(support|customer service|kundenservice|kundendienst|service client"
        r"|atencion al cliente|customer success|helpdesk)",
    ),
)

# "Vice President" is not a president, a "Product Owner" owns no company.
_NOT_VICE_PRESIDENT = r"(?<!vice )(?<!vice-)president"
_NOT_PRODUCT_OWNER = r"(?<!product )(?<!process )owner"


def _compile(rules: tuple[tuple[str, str], ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (name, re.compile(p.format(president=_NOT_VICE_PRESIDENT, owner=_NOT_PRODUCT_OWNER)))
        for name, p in rules
    )


_COMPILED_SENIORITY = _compile(_SENIORITY_RULES)
_COMPILED_DEPARTMENT = _compile(_DEPARTMENT_RULES)


def _prepare(value: str) -> str:
    return " ".join(ascii_fold(value).lower().split())


def seniority(title: str | None) -> str:
    """Seniority bucket of a job title; "unknown" when empty, "individual" otherwise."""
    if not title:
        return "unknown"
    text = _prepare(title)
    for name, pattern in _COMPILED_SENIORITY:
        if pattern.search(text):
            return name
    return "individual"


def department(text: str | None) -> str | None:
    """Department bucket from a department or title text; None when nothing matches."""
    if not text:
        return None
    prepared = _prepare(text)
    for name, pattern in _COMPILED_DEPARTMENT:
        if pattern.search(prepared):
            return name
    return None


def _department_row(key: str) -> tuple[str]:
    raw_department, _, title = key.partition("\x1f")
    found = department(raw_department) or department(title)
    if found:
        return (found,)
    return ("other",)


def title_columns(title: pl.Series, raw_department: pl.Series) -> pl.DataFrame:
    """Cleaned title and department strings -> `seniority` and `department` buckets.

    The department column wins over title keywords; with neither it is "unknown", and
    text that matches no bucket is "other".
    """
    frame = pl.DataFrame(
        {"title": title.cast(pl.String), "department": raw_department.cast(pl.String)}
    )
    levels = map_unique(
        frame.get_column("title"), lambda t: (seniority(t),), {"seniority": pl.String()}
    )
    key = frame.select(
        pl.when(pl.col("title").is_not_null() | pl.col("department").is_not_null()).then(
            pl.col("department").fill_null("") + pl.lit("\x1f") + pl.col("title").fill_null("")
        )
    ).to_series()
    buckets = map_unique(key, _department_row, {"department": pl.String()})
    return pl.DataFrame(
        {
            "seniority": levels.get_column("seniority").fill_null("unknown"),
            "department": buckets.get_column("department").fill_null("unknown"),
        }
    )
