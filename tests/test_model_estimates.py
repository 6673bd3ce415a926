"""What training's raw estimates are adjusted for before a model is saved
(`dedup/estimates.py`): every adjusted value stays a probability the stored model accepts."""

from __future__ import annotations

from bizdev_assets.dedup import estimates


def _one_level(m: float, u: float, prior: float) -> dict:
    return {
        "probability_two_random_records_match": prior,
        "comparisons": [
            {
                "output_column_name": "linkedin",
                "comparison_levels": [{"m_probability": m, "u_probability": u}],
            }
        ],
    }


def test_u_without_true_pairs_never_passes_one_on_a_level_nearly_every_pair_reaches():
    # The else level of a column few records fill: u near 1, m below it (seen at 200k).
    settings = estimates.without_true_pairs_in_u(_one_level(m=0.0005, u=0.99999, prior=0.001), 2e6)
    u = settings["comparisons"][0]["comparison_levels"][0]["u_probability"]
    assert 0 < u <= 1


def test_u_of_a_level_only_duplicates_reach_loses_the_true_pairs_share():
    settings = estimates.without_true_pairs_in_u(_one_level(m=0.9, u=1e-4, prior=1e-4), 2e6)
    u = settings["comparisons"][0]["comparison_levels"][0]["u_probability"]
    assert u < 1e-4 / 5
