"""The quality weights file: shipped default, and bad files rejected with the field named."""

from __future__ import annotations

from pathlib import Path

import pytest

from bizdev_assets.quality.weights import QualityWeights, QualityWeightsError


def test_shipped_weights_sum_to_one():
    weights = QualityWeights.load()
    total = sum(getattr(weights, c) for c in ("completeness", "validity", "uniqueness",
                                               "freshness", "consistency"))  # fmt: skip
    assert total == pytest.approx(1.0)


WEIGHTS_OK = "completeness: 0.2\nvalidity: 0.2\nuniqueness: 0.2\nfreshness: 0.2\nconsistency: 0.2"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("weights: {completeness: 0.5, validity: 0.2, uniqueness: 0.2, freshness: 0.2, "
         "consistency: 0.2}", "weights: weights must sum to 1, they sum to 1.3"),
        ("weights: {completeness: 1.2, validity: -0.2, uniqueness: 0, freshness: 0, "
         "consistency: 0}", "weights.validity: expected a number >= 0"),
        ("weights: {completeness: 1}", "weights: missing consistency, freshness"),
        ("weights: {" + WEIGHTS_OK.replace("\n", ", ") + "}\nfreshness: {half_life_days: 0}",
         "freshness.half_life_days: expected days > 0"),
        ("weights: {" + WEIGHTS_OK.replace("\n", ", ") + "}\ncompleteness: {email: 1, fax: 0}",
         "completeness: unknown fax"),
        ("weights: [", "not valid YAML"),
    ],
)  # fmt: skip
def test_bad_weights_are_rejected_naming_the_file_and_field(
    tmp_path: Path, text: str, message: str
):
    path = tmp_path / "weights.yaml"
    path.write_text(text)
    with pytest.raises(QualityWeightsError, match=message) as error:
        QualityWeights.load(path)
    assert str(path) in str(error.value)
