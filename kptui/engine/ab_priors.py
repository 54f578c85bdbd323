"""Informative Beta priors for conversion tests ("my usual conversion is about 4%").

The default stays Beta(1, 1) (flat), computed exactly by `abtest`. A prior changes only the
Bayesian figures (P(beat control), P(best), expected loss); the z-test, intervals and Holm
are the same whatever one believed beforehand, and the result says which prior was used.

With whole-number prior parameters the exact closed form of `abtest.prob_greater` still
applies to P(beat control), and the expected loss and P(best) use `abtest`'s deterministic
grid for any parameters, so a whole-number prior keeps `kptui ab test` off scipy; only P(beat
control) under a fractional prior (`4%±1%`) needs scipy quadrature.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from kptui.engine import abtest
from kptui.engine.ab_fields import bad


@dataclass(frozen=True)
class BetaPrior:
    """Beta(a, b) prior on every arm's true conversion rate."""

    a: float
    b: float

    @property
    def mean(self) -> float:
        return self.a / (self.a + self.b)

    @property
    def sd(self) -> float:
        s = self.a + self.b
        return math.sqrt(self.a * self.b / (s * s * (s + 1)))

    def describe(self) -> str:
        return (
            f"Beta({self.a:g}, {self.b:g}) prior on each arm's rate "
            f"(mean {self.mean:.3g}, sd {self.sd:.3g})"
        )

    def to_json(self) -> dict:
        return {"kind": "beta", "a": self.a, "b": self.b, "mean": self.mean, "sd": self.sd}


FLAT = BetaPrior(1.0, 1.0)

_PLUS_MINUS = re.compile(r"\s*(?:±|\+-|\+/-)\s*")


def _num(text: str, what: str, spec: str) -> float:
    raw = text.strip()
    pct = raw.endswith("%")
    try:
        value = float(raw.rstrip("%").strip())
    except ValueError:
        raise bad(f"{{field}} {spec!r}: {what} must be a number, got {raw!r}", "prior") from None
    if not math.isfinite(value):
        raise bad(f"{{field}} {spec!r}: {what} must be finite", "prior")
    return value / 100 if pct else value


def beta_from_mean_sd(mean: float, sd: float, spec: str = "") -> BetaPrior:
    """The Beta with this mean and sd (method of moments); needs sd^2 < mean (1 - mean)."""
    if not 0 < mean < 1:
        raise bad(f"{{field}} {spec!r}: the mean must be a rate strictly between 0 and 1", "prior")
    if not 0 < sd**2 < mean * (1 - mean):
        top = math.sqrt(mean * (1 - mean))
        raise bad(
            f"{{field}} {spec!r}: the sd must be above 0 and below {top:.3g} "
            f"for a mean of {mean:g}",
            "prior",
        )
    k = mean * (1 - mean) / sd**2 - 1
    return BetaPrior(mean * k, (1 - mean) * k)


def parse_beta_prior(text: str) -> BetaPrior:
    """`A,B` (Beta parameters) or `MEAN±SD` / `MEAN+-SD` (rates, `%` allowed: 4%±1%)."""
    spec = text.strip()
    pm = _PLUS_MINUS.split(spec, maxsplit=1)
    if len(pm) == 2:
        return beta_from_mean_sd(_num(pm[0], "the mean", spec), _num(pm[1], "the sd", spec), spec)
    parts = spec.split(",")
    if len(parts) != 2:
        raise bad(
            f"{{field}} {spec!r}: expected A,B (Beta parameters, e.g. 4,96) "
            "or MEAN±SD (e.g. 4%±1%)",
            "prior",
        )
    a, b = (_num(p, w, spec) for p, w in zip(parts, ("A", "B"), strict=True))
    if a <= 0 or b <= 0:
        raise bad(f"{{field}} {spec!r}: both Beta parameters must be positive", "prior")
    return BetaPrior(a, b)


def _params(arm: abtest.Arm, prior: BetaPrior) -> tuple[float, float]:
    return arm.conversions + prior.a, arm.visitors - arm.conversions + prior.b


def _whole(*xs: float) -> bool:
    return all(float(x).is_integer() for x in xs)


def _pieces(a: float, b: float) -> list[float]:
    m = a / (a + b)
    sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    return sorted({min(1.0, max(0.0, m + t * sd)) for t in (-40, -12, -6, -3, 0, 3, 6, 12, 40)})


def _quad(f, pieces: Sequence[float]) -> float:
    from scipy import integrate

    total = 0.0
    for lo, hi in itertools.pairwise(pieces):
        if hi > lo:
            total += integrate.quad(f, lo, hi, epsabs=1e-15, epsrel=1e-12, limit=200)[0]
    return total


def prob_greater_beta(a1: float, b1: float, a2: float, b2: float) -> float:
    """P(X2 > X1) for X1 ~ Beta(a1, b1), X2 ~ Beta(a2, b2): exact for whole numbers, else
    quadrature of pdf_1 * sf_2."""
    if _whole(a1, b1, a2, b2):
        return abtest.prob_greater(int(a1), int(b1), int(a2), int(b2))
    from scipy import stats

    return _quad(lambda x: stats.beta.pdf(x, a1, b1) * stats.beta.sf(x, a2, b2), _pieces(a1, b1))


@dataclass(frozen=True)
class _Posterior:
    """What `abtest`'s quadrature grid reads of an arm: its Beta posterior (any a, b > 0)."""

    name: str
    posterior: tuple[float, float]


def expected_loss_beta(x: tuple[float, float], y: tuple[float, float]) -> float:
    """E[max(X - Y, 0)] for X ~ Beta(x), Y ~ Beta(y), on `abtest`'s deterministic grid
    (standard library, ~1e-10), which takes any positive parameters."""
    return abtest.expected_loss(_Posterior("x", x), _Posterior("y", y))[0]


def expected_loss_beta_quad(x: tuple[float, float], y: tuple[float, float]) -> float:
    """The same by scipy quadrature, E[(x - Y)+] = x F_Y(x) - mean_Y F_{Beta(a+1, b)}(x)."""
    from scipy import stats

    (a1, b1), (a2, b2) = x, y
    m2 = a2 / (a2 + b2)

    def f(t: float) -> float:
        inner = t * stats.beta.cdf(t, a2, b2) - m2 * stats.beta.cdf(t, a2 + 1, b2)
        return stats.beta.pdf(t, a1, b1) * inner

    return max(0.0, _quad(f, sorted({*_pieces(a1, b1), *_pieces(a2, b2)})))


def prob_best_beta(params: Sequence[tuple[float, float]]) -> list[float]:
    """P(each arm is best): two arms as `prob_greater_beta`, more on `abtest`'s grid."""
    if len(params) == 2:
        p = prob_greater_beta(*params[0], *params[1])
        return [1 - p, p]
    return abtest.prob_best([_Posterior(str(i), p) for i, p in enumerate(params)])


def prob_best_beta_quad(params: Sequence[tuple[float, float]]) -> list[float]:
    """P(each arm is best) by scipy quadrature (a reference for the grid)."""
    from scipy import stats

    out = []
    for j, (a, b) in enumerate(params):
        others = [p for i, p in enumerate(params) if i != j]

        def f(x, a=a, b=b, others=others):
            v = stats.beta.pdf(x, a, b)
            for ai, bi in others:
                v *= stats.beta.cdf(x, ai, bi)
            return v

        out.append(_quad(f, _pieces(a, b)))
    total = sum(out)
    return [p / total for p in out]


@dataclass
class PriorTestResult:
    """A conversion test whose Bayesian figures use `prior`; `as_dict()` is the conversion
    test's JSON with a "prior" key added."""

    result: abtest.ABTestResult
    prior: BetaPrior

    def as_dict(self) -> dict:
        return {**self.result.as_dict(), "prior": self.prior.to_json()}


def analyze_with_prior(
    control: abtest.Arm,
    variants: Sequence[abtest.Arm],
    prior: BetaPrior,
    alpha: float = 0.05,
    split: Sequence[float] | None = None,
) -> PriorTestResult:
    """`abtest.analyze`, with P(beat control), P(best) and the expected loss recomputed
    under `prior` (the flat prior leaves them as they are)."""
    res = abtest.analyze(control, variants, alpha=alpha, split=split)
    if prior == FLAT:
        return PriorTestResult(res, prior)
    params = [_params(a, prior) for a in (control, *variants)]
    mean_c = params[0][0] / sum(params[0])
    for r, p in zip(res.variants, params[1:], strict=True):
        r.prob_beat_control = prob_greater_beta(*params[0], *p)
        # integrate the smaller loss; the other follows from loss_c - loss_v = mean_v - mean_c
        # exactly (as in abtest.expected_loss), so both keep their digits
        gap = p[0] / sum(p) - mean_c
        if gap >= 0:
            loss_v = expected_loss_beta(params[0], p)  # E[max(rate_c - rate_v, 0)]
            loss_c = loss_v + gap
        else:
            loss_c = expected_loss_beta(p, params[0])
            loss_v = loss_c - gap
        r.expected_loss = {"choose_variant": loss_v, "choose_control": loss_c}
    names = [control.name, *(v.name for v in variants)]
    res.prob_best = dict(zip(names, prob_best_beta(params), strict=True))
    return PriorTestResult(res, prior)
