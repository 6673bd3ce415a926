"""Which person each demo row belongs to, which file it lands in, what noise it gets.

Decided up front with numpy, before any string exists, so the population can be
shaped by the plan: a person first seen at the Munich trade show is likely
German, and only people seen solely through web channels get non-Latin names
(the cp1252 trade-show file could not hold them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FILES: tuple[str, ...] = ("crm", "messe", "partners", "paris", "madrid", "web", "hub")
SHARES: tuple[float, ...] = (0.35, 0.15, 0.10, 0.05, 0.05, 0.15, 0.15)
# Country mix group per file (geography.COUNTRY_MIX); web form and HubSpot share one.
GROUPS: tuple[str, ...] = ("crm", "messe", "partners", "paris", "madrid", "web", "web")
GROUP_NAMES: tuple[str, ...] = tuple(dict.fromkeys(GROUPS))

UNUSABLE_RATE = 0.005

NOISES: tuple[str, ...] = (
    "original", "unusable", "exact", "typo", "nickname", "case_whitespace", "name_swap",
    "company_variant", "email_variant", "missing_email", "missing_phone", "phone_variant",
    "job_change", "role_email",
)  # fmt: skip
CODE = {name: i for i, name in enumerate(NOISES)}
PRIMARY: dict[str, float] = {
    "exact": 0.10, "typo": 0.14, "nickname": 0.10, "case_whitespace": 0.10, "name_swap": 0.05,
    "company_variant": 0.12, "email_variant": 0.10, "missing_email": 0.07, "missing_phone": 0.05,
    "phone_variant": 0.08, "job_change": 0.07, "role_email": 0.02,
}  # fmt: skip
SECONDARY: tuple[str, ...] = (
    "typo",
    "case_whitespace",
    "company_variant",
    "missing_phone",
    "phone_variant",
    "email_variant",
)
SECONDARY_RATE = 0.25


@dataclass(frozen=True)
class Plan:
    n_people: int  # entities 0..n_people-1 are people; the rest are unusable rows
    n_entities: int
    rows: dict[str, np.ndarray]  # file -> entity per row, in row order
    primary: dict[str, np.ndarray]  # file -> NOISES code per row
    secondary: dict[str, np.ndarray]  # file -> NOISES code per row, -1 for none
    first_group: np.ndarray  # per person: GROUP_NAMES index of the file of its first row
    web_only: np.ndarray  # per person: every row is in the web form or HubSpot
    job_changer: np.ndarray  # per person: some row shows them at a new employer

    @property
    def n_rows(self) -> int:
        return sum(len(r) for r in self.rows.values())


def split_counts(n: int, shares: tuple[float, ...]) -> list[int]:
    """Largest-remainder split of n by shares, so the counts always sum to n."""
    exact = np.array(shares) / sum(shares) * n
    counts = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - counts), kind="stable")[: n - counts.sum()]:
        counts[i] += 1
    return counts.tolist()


def make_plan(rng: np.random.Generator, n_rows: int, duplicate_rate: float) -> Plan:
    if n_rows < 1:
        raise ValueError(f"n_rows must be at least 1, got {n_rows}")
    if not 0.0 <= duplicate_rate < 1.0:
        raise ValueError(f"duplicate_rate must be in [0, 1), got {duplicate_rate}")
    n_unusable = round(n_rows * UNUSABLE_RATE)
    n_dup = min(round(n_rows * duplicate_rate), n_rows - n_unusable - 1)
    n_people = n_rows - n_unusable - n_dup
    # Some people are in every list and some in one: lognormal popularity.
    popularity = rng.lognormal(0.0, 1.0, n_people)
    dups = rng.choice(n_people, size=n_dup, p=popularity / popularity.sum())
    unusable = np.arange(n_people, n_people + n_unusable)
    entities = rng.permutation(np.concatenate([np.arange(n_people), dups, unusable]))

    file_of = np.repeat(np.arange(len(FILES)), split_counts(n_rows, SHARES))
    _, first_pos = np.unique(entities, return_index=True)
    is_first = np.zeros(n_rows, dtype=bool)
    is_first[first_pos] = True

    primary = rng.choice(
        [CODE[k] for k in PRIMARY],
        size=n_rows,
        p=np.array(list(PRIMARY.values())) / sum(PRIMARY.values()),
    ).astype(np.int8)
    primary[is_first] = CODE["original"]
    is_unusable = entities >= n_people
    primary[is_unusable] = CODE["unusable"]
    secondary = rng.choice([CODE[k] for k in SECONDARY], size=n_rows).astype(np.int8)
    secondary[(rng.random(n_rows) >= SECONDARY_RATE) | is_first | is_unusable] = -1

    people = ~is_unusable
    first_group = np.zeros(n_people, dtype=np.int8)
    group_of_file = np.array([GROUP_NAMES.index(g) for g in GROUPS])
    firsts = is_first & people
    first_group[entities[firsts]] = group_of_file[file_of[firsts]]
    min_file = np.full(n_people, len(FILES), dtype=np.int8)
    np.minimum.at(min_file, entities[people], file_of[people].astype(np.int8))
    web_only = min_file >= FILES.index("web")
    job_changer = np.zeros(n_people, dtype=bool)
    job_changer[entities[primary == CODE["job_change"]]] = True

    bounds = np.cumsum([0, *split_counts(n_rows, SHARES)])
    rows, prim, sec = {}, {}, {}
    for i, f in enumerate(FILES):
        s = slice(bounds[i], bounds[i + 1])
        rows[f], prim[f], sec[f] = entities[s], primary[s], secondary[s]
    return Plan(
        n_people, n_people + n_unusable, rows, prim, sec, first_group, web_only, job_changer
    )
