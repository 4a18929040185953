"""Review scores for display: one scale (out of 10) for bars, the original kept beside it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from bot.models import ReviewSummary, ScoreLine

BAR_CELLS = 10
FULL, EMPTY = "█", "░"
SCORE_NAMES = {
    "picture": "Picture",
    "audio": "Audio",
    "extras": "Extras",
    "film": "Film",
    "overall": "Overall",
}
ORDER = ("film", "picture", "audio", "extras", "overall")


def out_of_ten(score: ScoreLine) -> float:
    """The score on a 0-10 scale, whatever scale the review used (4.5/5 -> 9.0)."""
    return max(0.0, min(10.0, score.value / score.scale_max * 10))


def number(value: float) -> str:
    """8.0 -> '8', 8.25 -> '8.3'."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def bar(value: float) -> str:
    """'████████░░' for 8 out of 10."""
    filled = round(max(0.0, min(10.0, value)) / 10 * BAR_CELLS)
    return FULL * filled + EMPTY * (BAR_CELLS - filled)


def name_of(category: str) -> str:
    return SCORE_NAMES.get(category, category.title())


def score_line(score: ScoreLine) -> str:
    """'Picture ████████░░ 8/10', with the review's own notation when it differs:
    'Picture █████████░ 9/10 (4.5/5)'."""
    ten = out_of_ten(score)
    shown = f"{number(ten)}/10"
    if score.raw.replace(" ", "") != shown:
        shown += f" ({score.raw})"
    return f"{name_of(score.category)} {bar(ten)} {shown}"


def averages(reviews: Iterable[ReviewSummary]) -> list[tuple[str, float, int]]:
    """Per category: the mean score out of 10 and how many reviews gave one."""
    values: dict[str, list[float]] = defaultdict(list)
    for review in reviews:
        for score in review.scores:
            values[score.category].append(out_of_ten(score))
    ranked = sorted(values, key=lambda c: (ORDER.index(c) if c in ORDER else len(ORDER), c))
    return [(c, sum(values[c]) / len(values[c]), len(values[c])) for c in ranked]


def averages_line(reviews: Iterable[ReviewSummary]) -> str:
    """'Picture 8/10 · Audio 5/10 · Extras 8/10' (means, out of 10)."""
    return " · ".join(f"{name_of(c)} {number(v)}/10" for c, v, _ in averages(reviews))
