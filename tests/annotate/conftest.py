from __future__ import annotations

import pytest

from extractor.annotate.preannotate import Annotated, preannotate

# Invented story: no real event, names chosen to exercise the rules.
STORY = (
    "OSLO — Norwegian Foreign Minister Ingrid Halvorsen met Chilean Foreign Minister Tomas Aravena on Tuesday.\n"
    "The two ministers discussed fishing quotas and a new research station, Halvorsen said.\n"
    "\u201cWe agreed to meet again before the end of the year,\u201d Aravena told reporters.\n"
    "\u201cThe talks were useful.\u201d\n"
    "Mr. Aravena will visit Bergen next month, the Foreign Ministry said in a statement.\n"
    "Halvorsen urged the fleets to respect the \u201cnew limits.\u201d"
)


@pytest.fixture
def story() -> Annotated:
    return preannotate(STORY)
