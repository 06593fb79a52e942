"""Sampling plans: how many samples to review and what accepting the lot then means."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from scipy import stats

from synthlab.errors import UsageError
from synthlab.recipe.model import SinglePlan, SpotcheckSection, ZeroDefectPlan
from synthlab.spotcheck.sizes import single_plan, zero_defect_n

__all__ = ["SamplingPlan", "resolve_plan"]

DEFAULT_ZERO_DEFECT = ZeroDefectPlan(max_rate=0.05, confidence=0.95)


@dataclass(frozen=True)
class SamplingPlan:
    """Review `n` of `lot` samples and accept the lot when at most `c` are wrong."""

    kind: Literal["fixed", "zero_defect", "single"]
    n: int
    c: int
    lot: int
    settings: dict[str, float]  # the numbers the plan was computed from

    def accepts(self, defects: int) -> bool:
        return defects <= self.c

    def meaning(self) -> str:
        """What the plan shows, in one sentence."""
        n, lot = self.n, self.lot
        if self.kind == "zero_defect":
            p, conf = self.settings["max_rate"], self.settings["confidence"]
            return (
                f"Review {n} of {lot} samples and accept only if none is wrong: then the label "
                f"error rate is below {p:.1%} with {conf:.0%} confidence (a dataset with "
                f"{p:.1%} or more wrong labels would show a wrong one at least "
                f"{conf:.0%} of the time)."
            )
        if self.kind == "single":
            s = self.settings
            return (
                f"Review {n} of {lot} samples and accept when at most {self.c} are wrong: a "
                f"dataset with {s['aql']:.1%} wrong labels passes with probability "
                f"{s['accept_at_aql']:.1%} (>= {1 - s['producer_risk']:.0%}), one with "
                f"{s['rql']:.1%} wrong passes with probability {s['accept_at_rql']:.1%} "
                f"(<= {s['consumer_risk']:.0%})."
            )
        bound = self.settings["rate_bound"]
        return (
            f"Review {n} of {lot} samples and accept only if none is wrong: then the label error "
            f"rate is below {bound:.1%} with 95% confidence."
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "n": self.n,
            "c": self.c,
            "lot": self.lot,
            "settings": self.settings,
            "meaning": self.meaning(),
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> SamplingPlan:
        return cls(raw["kind"], int(raw["n"]), int(raw["c"]), int(raw["lot"]), raw["settings"])


def _zero_defect(section: ZeroDefectPlan, lot: int) -> SamplingPlan:
    n = zero_defect_n(section.max_rate, section.confidence, lot)
    settings = {"max_rate": section.max_rate, "confidence": section.confidence}
    return SamplingPlan("zero_defect", n, 0, lot, settings)


def _single(section: SinglePlan, lot: int) -> SamplingPlan:
    size = single_plan(
        section.aql, section.rql, section.producer_risk, section.consumer_risk, lot=lot
    )

    def accept_at(rate: float, round_up: bool) -> float:
        defects = round(rate * lot, 9)
        count = int(-(-defects // 1)) if round_up else int(defects // 1)
        return float(stats.hypergeom.cdf(size.c, lot, count, size.n))

    settings = {
        "aql": section.aql,
        "rql": section.rql,
        "producer_risk": section.producer_risk,
        "consumer_risk": section.consumer_risk,
        "accept_at_aql": accept_at(section.aql, False),
        "accept_at_rql": accept_at(section.rql, True),
    }
    return SamplingPlan("single", size.n, size.c, lot, settings)


def _fixed(n: int, lot: int) -> SamplingPlan:
    n = min(n, lot)
    # the rate that zero defects in n rules out at 95 %: the one-sided Clopper-Pearson bound
    bound = 0.0 if n >= lot else float(stats.beta.ppf(0.95, 1, n))
    return SamplingPlan("fixed", n, 0, lot, {"rate_bound": bound})


def resolve_plan(
    section: SpotcheckSection,
    lot: int,
    *,
    n: int | None = None,
    zero_defect: tuple[float, float] | None = None,
    single: tuple[float, float, float, float] | None = None,
) -> SamplingPlan:
    """The plan from command-line choices if any was given, else from the recipe's
    `spotcheck:` section, else a zero-defect plan for 5 % at 95 %."""
    given = [
        name for name, v in (("--n", n), ("--zero-defect", zero_defect), ("--single", single)) if v
    ]
    if len(given) > 1:
        raise UsageError(f"choose one sampling plan, not {' and '.join(given)}")
    try:
        if n is not None:
            return _fixed(n, lot)
        if zero_defect is not None:
            return _zero_defect(
                ZeroDefectPlan(max_rate=zero_defect[0], confidence=zero_defect[1]), lot
            )
        if single is not None:
            aql, rql, alpha, beta = single
            plan = SinglePlan(aql=aql, rql=rql, producer_risk=alpha, consumer_risk=beta)
            return _single(plan, lot)
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        raise UsageError(f"invalid sampling plan: {error}") from None
    if section.n is not None:
        return _fixed(section.n, lot)
    if section.single is not None:
        return _single(section.single, lot)
    return _zero_defect(section.zero_defect or DEFAULT_ZERO_DEFECT, lot)
