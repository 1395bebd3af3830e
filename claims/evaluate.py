"""Score the engine on labelled items (DESIGN.md, "Labelled items")."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from claims.engine import Engine
from truce.records import STANCES, Article, Evidence


@dataclass(frozen=True)
class LabelledItem:
    article: Article
    labels: dict[str, tuple[str, bool | None]]  # claim id -> (stance, alleged)


@dataclass(frozen=True)
class Error:
    item_id: str
    claim_id: str
    expected: str | None
    predicted: str | None
    quote: str
    title: str


@dataclass
class Report:
    rows: list[dict[str, Any]] = field(default_factory=list)  # per (claim, stance)
    macro_f1: float = 0.0
    alleged_accuracy: float | None = None
    alleged_pairs: int = 0
    distractor_items: int = 0
    distractor_false_positive_rate: float = 0.0
    items: int = 0
    errors: list[Error] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "macro_f1": round(self.macro_f1, 3),
            "alleged_accuracy": None
            if self.alleged_accuracy is None
            else round(self.alleged_accuracy, 3),
            "alleged_pairs": self.alleged_pairs,
            "distractor_items": self.distractor_items,
            "distractor_false_positive_rate": round(self.distractor_false_positive_rate, 3),
            "per_claim": self.rows,
        }


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _error(
    item: LabelledItem,
    claim_id: str,
    evidence: Evidence | None,
    expected: str | None,
    predicted: str | None,
) -> Error:
    quote = evidence.quote if evidence else ""
    return Error(item.article.id, claim_id, expected, predicted, quote, item.article.title)


def _breach(alleged: bool) -> str:
    return "breach (alleged)" if alleged else "breach (not alleged)"


def evaluate(engine: Engine, items: list[LabelledItem]) -> Report:
    """Precision, recall and F1 per (claim, stance); macro-F1 over the pairs that occur (in the
    labels or the predictions); alleged accuracy on breaches found and labelled; false-positive
    rate on items with no labels at all."""
    tp: Counter[tuple[str, str]] = Counter()
    fp: Counter[tuple[str, str]] = Counter()
    fn: Counter[tuple[str, str]] = Counter()
    alleged_right = alleged_total = 0
    distractors = distractor_hits = 0
    report = Report(items=len(items))
    for item in items:
        found = {e.claim_id: e for e in engine.assess(item.article).evidence}
        if not item.labels:
            distractors += 1
            distractor_hits += bool(found)
        for claim in engine.story.claims:
            expected = item.labels.get(claim.id, (None, None))
            evidence = found.get(claim.id)
            predicted = evidence.stance if evidence else None
            if expected[0] == predicted:
                if predicted is not None:
                    tp[(claim.id, predicted)] += 1
                    if predicted == "breach" and expected[1] is not None and evidence is not None:
                        alleged_total += 1
                        alleged_right += evidence.alleged == expected[1]
                        if evidence.alleged != expected[1]:
                            report.errors.append(
                                _error(
                                    item,
                                    claim.id,
                                    evidence,
                                    _breach(expected[1]),
                                    _breach(evidence.alleged),
                                )
                            )
                continue
            if predicted is not None:
                fp[(claim.id, predicted)] += 1
            if expected[0] is not None:
                fn[(claim.id, expected[0])] += 1
            report.errors.append(_error(item, claim.id, evidence, expected[0], predicted))
    pairs = sorted(
        set(tp) | set(fp) | set(fn),
        key=lambda p: ([c.id for c in engine.story.claims].index(p[0]), STANCES.index(p[1])),
    )
    f1s = []
    for pair in pairs:
        precision = tp[pair] / (tp[pair] + fp[pair]) if tp[pair] + fp[pair] else 0.0
        recall = tp[pair] / (tp[pair] + fn[pair]) if tp[pair] + fn[pair] else 0.0
        f1 = _f1(precision, recall)
        f1s.append(f1)
        report.rows.append(
            {
                "claim_id": pair[0],
                "stance": pair[1],
                "support": tp[pair] + fn[pair],
                "predicted": tp[pair] + fp[pair],
                "precision": round(precision, 3),
                "recall": round(recall, 3),
                "f1": round(f1, 3),
            }
        )
    report.macro_f1 = sum(f1s) / len(f1s) if f1s else 0.0
    report.alleged_pairs = alleged_total
    report.alleged_accuracy = alleged_right / alleged_total if alleged_total else None
    report.distractor_items = distractors
    report.distractor_false_positive_rate = distractor_hits / distractors if distractors else 0.0
    return report
