"""What training's raw estimates are adjusted for before a model is saved.

Splink's estimates are taken as they come except in four places, each a known bias of
estimating without labels:

- u is measured on random pairs, and some random pairs are one person: about the
  prior's share of them, landing on a level with probability m. For a level only
  duplicates reach (same mobile, same name and birth date) that share is most of what
  was measured, and the level's evidence would be understated by several bits. It is
  taken out: u = (u - prior * m) / (1 - prior), at least one in the pairs sampled.
- A learnt m is kept above MIN_M (or u, if smaller): a disagreement EM never saw among
  this table's duplicates (a birth date typed wrong) is rare, not impossible, and must
  count against them without becoming proof.
- Levels this table gave no estimate for (no record has a LinkedIn profile; no other
  fact to learn the name comparison from) take the shipped model's values, m kept above
  MIN_M too; with none there either, u is one in the pairs sampled and m = u (no
  evidence either way).
- Comparisons a table has no data for are reported once, not level by level.
"""

from __future__ import annotations

from typing import Any

MIN_M = 1e-3


def without_true_pairs_in_u(settings: dict[str, Any], u_pairs: float) -> dict[str, Any]:
    prior = settings["probability_two_random_records_match"]
    for level in _learnable_levels(settings):
        u, m = level["u_probability"], level["m_probability"]
        # Never above 1: a level nearly every pair reaches, with m below u, would pass it.
        level["u_probability"] = min(max((u - prior * m) / (1 - prior), 1 / u_pairs), 1.0)
    return settings


def filled_in(
    settings: dict[str, Any],
    shipped: dict[str, Any] | None,
    u_pairs: float,
    keep_shipped_m: frozenset[str] = frozenset(),
) -> tuple[dict[str, Any], list[str]]:
    """Settings with every level's m and u set (see the module docstring), and notes.

    keep_shipped_m: comparisons whose m values are taken from the shipped model even
    where EM produced some (it had nothing sound to learn them from)."""
    by_name = {c["output_column_name"]: c for c in (shipped or {}).get("comparisons", [])}
    unlearnt: dict[str, int] = {}
    for comparison in settings["comparisons"]:
        name = comparison["output_column_name"]
        saved_levels = by_name.get(name, {}).get("comparison_levels", [])
        for i, level in enumerate(comparison["comparison_levels"]):
            if level.get("is_null_level") or level.get("fix_m_probability"):
                continue
            saved = saved_levels[i] if i < len(saved_levels) else {}
            if name in keep_shipped_m and isinstance(saved.get("m_probability"), float):
                level["m_probability"] = saved["m_probability"]
            m, u = level.get("m_probability"), level.get("u_probability")
            if isinstance(m, float) and isinstance(u, float):
                level["m_probability"] = max(m, min(MIN_M, u))
                continue
            unlearnt[name] = unlearnt.get(name, 0) + 1
            if not isinstance(u, float):
                u = saved.get("u_probability")
                level["u_probability"] = u if isinstance(u, float) else 1 / u_pairs
            if not isinstance(m, float):
                m = saved.get("m_probability")
                level["m_probability"] = m if isinstance(m, float) else level["u_probability"]
            # The shipped m of a level its own training data never reached is no
            # evidence against this table's pairs (initials: the demo data has none).
            level["m_probability"] = max(level["m_probability"], min(MIN_M, level["u_probability"]))
    notes = [
        f"{name}: {count} level(s) not seen in this table, the shipped model's values kept"
        for name, count in unlearnt.items()
    ]
    notes += [f"{name}: m values are the shipped model's" for name in sorted(keep_shipped_m)]
    return settings, notes


def _learnable_levels(settings: dict[str, Any]):
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level") and not level.get("fix_u_probability"):
                yield level
