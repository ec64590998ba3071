"""Calibrated confidence: the chance that a claim is right.

A claim is right when it is a real claim (it matches an annotated one) and
its claimant, side, stance and type are the annotated ones. The engine's raw
signals — how sure the type is (`type_confidence`: one type word or several,
a default, inherited from an answered claim) and how the attribution was
found (`stance_confidence`) — are mapped to that chance by a logistic fit
over a few features of them. The coefficients are data, fitted on the public
annotated sets by `python -m bench.calibration --fit`, which prints the block
below; `python -m bench.calibration` prints the reliability table.

The function reads only what the pre-tagger also has (claims.extraction.tags),
so a claim re-tagged alone gets the confidence extraction gave it.
"""

from math import exp

# The claim types that get a weight of their own ("attack" is the reference).
_TYPES = ("casualties", "materiel", "territorial", "ceasefire", "diplomatic", "other")
FEATURES = ("bias", "type_confidence", "stance_confidence", "deny", "confirm", *_TYPES)

# Fitted by `python -m bench.calibration --fit` (extractor rules-1.3, 366 claims).
COEFFICIENTS = (-0.1035, 0.4826, 1.6744, -0.3139, 0.5479, -0.1296, -0.0848, -0.089, 0.0892, -0.3315, -0.9228)


def feature_vector(type_confidence: float, stance_confidence: float, stance: str, claim_type: str) -> tuple:
    return (
        1.0,
        type_confidence,
        stance_confidence,
        1.0 if stance == "deny" else 0.0,
        1.0 if stance == "confirm" else 0.0,
        *(1.0 if claim_type == name else 0.0 for name in _TYPES),
    )


def calibrated(type_confidence: float, stance_confidence: float, stance: str, claim_type: str) -> float:
    """The chance, from 0 to 1 (three decimals), that the claim is right."""
    vector = feature_vector(type_confidence, stance_confidence, stance, claim_type)
    z = sum(c * x for c, x in zip(COEFFICIENTS, vector, strict=True))
    return round(1.0 / (1.0 + exp(-z)), 3)
