"""Calibrated confidence: a logistic map of the engine's raw signals."""

from claims.extraction.calibration import COEFFICIENTS, FEATURES, calibrated, feature_vector


def test_coefficients_cover_every_feature():
    assert len(COEFFICIENTS) == len(FEATURES) == len(feature_vector(0.9, 0.95, "assert", "attack"))


def test_calibrated_confidence_is_a_chance_rounded_to_three_places():
    for signals in [(0.9, 0.95, "assert", "attack"), (0.0, 0.0, "deny", "other"), (1.0, 1.0, "confirm", "ceasefire")]:
        value = calibrated(*signals)
        assert 0.0 < value < 1.0
        assert value == round(value, 3)


def test_calibrated_confidence_falls_with_weaker_signals():
    sure = calibrated(0.9, 0.95, "assert", "attack")
    assert calibrated(0.5, 0.95, "assert", "attack") < sure
    assert calibrated(0.9, 0.6, "assert", "attack") < sure
    assert calibrated(0.9, 0.95, "assert", "other") < sure


def test_calibrated_confidence_stays_a_probability():
    for type_confidence in (0.0, 0.5, 1.0):
        for stance_confidence in (0.0, 1.0):
            assert 0.0 <= calibrated(type_confidence, stance_confidence, "deny", "other") <= 1.0
