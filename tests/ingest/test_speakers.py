"""attributed_speaker(): who a sentence names as the source of its claim."""

from __future__ import annotations

import pytest

from app.ingest.speakers import attributed_speaker


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        (
            "The Council of Regional States said 40 monitors would be sent.",
            "The Council of Regional States",
        ),
        (
            "Forty schools have been rebuilt, the Riverton Unified School District said Wednesday.",
            "the Riverton Unified School District",
        ),
        ("“The vaccine is safe,” said Dr Ruden.", "Dr Ruden"),
        ("“We lost the harbour,” says the leader of the association, Per Ostby.", "Per Ostby"),
        (
            "Highway 14 has reopened, according to the state highway patrol.",
            "the state highway patrol",
        ),
        (
            "Forty observers will monitor the truce, a council spokesperson told us.",
            "a council spokesperson",
        ),
        (
            "The Highland Alliance, which controls the highlands, said it would observe the truce.",
            "The Highland Alliance",
        ),
        ("State Fire District 6 denied that lightning caused the fire.", "State Fire District 6"),
        (
            "General Piet Haro, the chief of staff, has already said that no guns were fired.",
            "General Piet Haro",
        ),
        ("As I. Valk noted, the agreement provides for an exchange.", "I. Valk"),
        (
            "“This ruling proves it,” said union secretary Gary Finch outside the hearing.",
            "union secretary Gary Finch",
        ),
    ],
)
def test_named_speakers(sentence: str, speaker: str) -> None:
    assert attributed_speaker(sentence) == speaker


@pytest.mark.parametrize(
    "sentence",
    [
        "She said the remaining bodies are kept near the city.",
        "The Vesnian capital has recorded 212 confirmed measles cases.",
        "One-off restructuring costs are estimated at £40 million.",
        "The Castlebridge Engineering Union brought the claim on behalf of 240 workers.",
        "Forty schools were rebuilt last year.",
    ],
)
def test_no_speaker(sentence: str) -> None:
    assert attributed_speaker(sentence) is None
