"""A/B tests of a mean metric (revenue per visitor, watch time): Welch, delta method, caps.

Why a separate module from `abtest`: conversion tests stay standard library only so that
`kptui ab test` starts in a blink; a mean metric needs Student's t with fractional degrees of
freedom, so this module imports scipy (inside the functions that need it) and numpy.

What it computes, per variant against the control:
- Welch's t-test (unequal variances) and the t interval of the absolute difference, as
  `scipy.stats.ttest_ind(equal_var=False)` and statsmodels' `CompareMeans` give them;
- the delta-method interval of the relative lift mean_v / mean_c - 1 (normal quantile, as
  GrowthBook does for its relative effects);
- optionally a seeded percentile-bootstrap interval of both (per-visitor data only);
- P(beat control) and the expected loss from normal posteriors of each arm's mean (flat prior
  unless a normal prior is given), and Holm across variants as for conversions;
- revenue per visitor split into conversion x revenue per buyer when buyers are known.

Inputs are per-arm summaries (N:SUM:SUMSQ or N:MEAN:SD, with an optional :BUYERS) or
per-visitor values (`read_visitor_file`). Winsorising at a percentile needs per-visitor
values: the cap is the percentile of all arms pooled (the same cap for every arm, as Statsig
does), and the result states it. Errors are `UsageError`s whose `field` names the input
("n", "sd", "sumsq", "cap_pct"...), never a command-line flag.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from statistics import NormalDist
from typing import IO, Any

from kptui.engine.ab_fields import bad
from kptui.engine.abtest import MAX_VISITORS, check_alpha, holm, parse_split, srm_p_value
from kptui.errors import DataError, check_seed

_NORMAL = NormalDist()
SRM_THRESHOLD = 0.001
MIN_PER_ARM = 100  # fewer visitors than this and the t interval of a skewed mean misleads
METRICS = ("mean", "revenue")


# ----------------------------------------------------------------------------------------
# Arms


@dataclass(frozen=True)
class MeanArm:
    """Sufficient statistics of one arm: visitors, mean and sample SD of the metric.

    `buyers` (visitors with a purchase) splits revenue per visitor into conversion x revenue
    per buyer; `values` keeps the per-visitor values when they are known (for caps and the
    bootstrap)."""

    name: str
    n: int
    mean: float
    sd: float
    buyers: int | None = None
    values: Any = field(default=None, repr=False, compare=False)  # numpy array or None

    @property
    def se(self) -> float:
        return self.sd / math.sqrt(self.n)

    @property
    def total(self) -> float:
        return self.mean * self.n


MAX_VALUE = 1e12  # a mean or SD per visitor (watch seconds, revenue): far above any real one
MAX_RESAMPLES = 100_000  # a percentile interval is steady long before


def _number(text: str, what: str, where: str) -> float:
    raw = text.strip().replace("_", "")
    try:
        value = float(raw)
    except ValueError:
        raise bad(f"{where}: {what} must be a number, got {text.strip()!r}", what) from None
    if not math.isfinite(value):
        raise bad(f"{where}: {what} must be a finite number, got {text.strip()!r}", what)
    return value


def _whole(value: float, what: str, where: str) -> int:
    if not float(value).is_integer():
        raise bad(f"{where}: {what} must be a whole number, got {value:g}", what)
    return int(value)


def make_mean_arm(
    name: str,
    n: float,
    mean: float,
    sd: float,
    buyers: float | None = None,
    where: str = "arm",
) -> MeanArm:
    """Validate summaries given as numbers (the TUI's inputs and `parse_mean_arm`)."""
    name = name.strip()
    if not name:
        raise bad(f"{where}: the arm name is empty", "name")
    for what, v in (("n", n), ("mean", mean), ("sd", sd)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise bad(f"{where}: {what} must be a finite number, got {v!r}", what)
    n_int = _whole(n, "n", where)
    if n_int < 2:
        raise bad(f"{where}: n must be at least 2 visitors for a mean, got {n_int}", "n")
    if sd < 0:
        raise bad(f"{where}: sd cannot be negative, got {sd:g}", "sd")
    for what, v, limit in (("n", n_int, MAX_VISITORS), ("mean", abs(mean), MAX_VALUE)):
        if v > limit:  # 1e20 visitors or a mean of 1e300 overflowed the t and normal maths
            raise bad(f"{where}: {what} above {limit:.0e} ({v:.3g}) is not a measured value", what)
    if sd > MAX_VALUE:
        raise bad(f"{where}: sd above {MAX_VALUE:.0e} ({sd:.3g}) is not a measured value", "sd")
    b: int | None = None
    if buyers is not None:
        b = _whole(buyers, "buyers", where)
        if not 0 <= b <= n_int:
            raise bad(f"{where}: buyers must be between 0 and n ({n_int}), got {b}", "buyers")
    return MeanArm(name, n_int, float(mean), float(sd), b)


def arm_from_sums(
    name: str, n: float, total: float, sumsq: float, buyers: float | None = None, where="arm"
) -> MeanArm:
    """N, SUM and SUM of squares -> mean and sample SD; SUMSQ must be at least SUM^2 / N."""
    n_int = _whole(n, "n", where)
    if n_int < 2:
        raise bad(f"{where}: n must be at least 2 visitors for a mean, got {n_int}", "n")
    if sumsq < 0:
        raise bad(f"{where}: sumsq cannot be negative, got {sumsq:g}", "sumsq")
    mean = total / n_int
    centred = sumsq - total * mean  # sum of squared deviations
    # rounding in the caller's sums can leave a tiny negative; anything larger is an error
    if centred < -1e-9 * max(1.0, sumsq):
        raise bad(
            f"{where}: sumsq ({sumsq:g}) is smaller than sum^2 / n ({total * mean:g}); "
            "these cannot be the sum and sum of squares of the same values",
            "sumsq",
        )
    sd = math.sqrt(max(0.0, centred) / (n_int - 1))
    return make_mean_arm(name, n_int, mean, sd, buyers, where)


_FORMS = {"sums": "N:SUM:SUMSQ", "mean-sd": "N:MEAN:SD"}


def parse_mean_arm(spec: str, default_name: str, form: str = "sums", where: str = "arm") -> MeanArm:
    """`[NAME=]N:SUM:SUMSQ[:BUYERS]` (form "sums") or `[NAME=]N:MEAN:SD[:BUYERS]`
    (form "mean-sd") -> MeanArm."""
    if form not in _FORMS:
        raise bad(f"{{field}} must be one of {', '.join(_FORMS)}, got {form!r}", "summary")
    where = f"{where} {spec!r}"
    name, sep, body = spec.rpartition("=")
    if not sep:
        name = default_name
    parts = body.split(":")
    if len(parts) not in (3, 4):
        example = "1000:2400:61000" if form == "sums" else "1000:2.40:7.45"
        raise bad(f"{where}: expected [NAME=]{_FORMS[form]}[:BUYERS], e.g. {example}", "arm")
    labels = ("n", "sum", "sumsq") if form == "sums" else ("n", "mean", "sd")
    nums = [_number(p, what, where) for p, what in zip(parts[:3], labels, strict=True)]
    buyers = _number(parts[3], "buyers", where) if len(parts) == 4 else None
    if form == "sums":
        return arm_from_sums(name, *nums, buyers=buyers, where=where)
    return make_mean_arm(name, *nums, buyers=buyers, where=where)


def parse_mean_arms(
    control: str, variants: Sequence[str], form: str = "sums"
) -> tuple[MeanArm, list[MeanArm]]:
    """Control and variant specs -> arms; unnamed arms are A (control), then B, C..."""
    if not variants:
        raise bad("give at least one variant", "variant")
    explicit = {s.rpartition("=")[0].strip() for s in (control, *variants) if "=" in s}
    spare = (n for n in "BCDEFGHIJKLMNOPQRSTUVWXYZ" if n not in explicit)
    arm_c = parse_mean_arm(control, "A", form, "control")
    out = []
    for spec in variants:
        default = "" if "=" in spec else next(spare, f"V{len(out) + 1}")
        out.append(parse_mean_arm(spec, default, form, "variant"))
    return arm_c, out


# ----------------------------------------------------------------------------------------
# Per-visitor files


def read_visitor_file(
    source: str | Path | IO[bytes], *, name: str | None = None, control: str | None = None
) -> tuple[MeanArm, list[MeanArm]]:
    """A CSV or Parquet file of one row per visitor: `arm`, `value`, optionally `converted`.

    The control is `control` if given, else the arm of the first row. `source` may be a path
    or a binary stream (stdin); `name` labels the stream in messages. Missing columns or an
    arm with fewer than 2 visitors are usage errors (exit 2); a value that is not a number is
    a data error (exit 1) naming the row and column.
    """
    import numpy as np
    import polars as pl

    label = name or (str(source) if isinstance(source, (str, Path)) else "<stdin>")
    frame = _read_frame(source, label)
    columns = _columns(frame, ("arm", "value"), label)
    arm_col = frame.get_column(columns["arm"]).cast(pl.Utf8)
    values = _values(frame, columns["value"], label)
    arm_col = arm_col.str.strip_chars()
    null_arm = (arm_col.is_null() | (arm_col == "")).arg_true()
    if len(null_arm):
        raise DataError(
            "the arm is empty", file=label, row=int(null_arm[0]) + 2, column=columns["arm"]
        )
    converted = None
    if "converted" in columns:
        conv = frame.get_column(columns["converted"]).cast(pl.Utf8).str.strip_chars()
        conv = conv.str.to_lowercase().fill_null("")  # an empty cell: no purchase
        truthy = conv.is_in(["1", "true", "yes", "y", "t", "1.0"])
        falsy = conv.is_in(["0", "false", "no", "n", "f", "0.0", ""])
        odd = (~(truthy | falsy)).arg_true()
        if len(odd):
            i = int(odd[0])
            raise DataError(
                f"converted must be 0/1 or true/false, got {conv[i]!r}",
                file=label,
                row=i + 2,
                column=columns["converted"],
            )
        converted = truthy.to_numpy()
    arms_raw = arm_col.to_list()
    order: list[str] = []
    seen: set[str] = set()
    for a in arms_raw:
        if a not in seen:
            seen.add(a)
            order.append(a)
    if control is not None:
        if control not in seen:
            raise bad(
                f"no arm {control!r} in the file (arms: {', '.join(order)})",
                "control",
                file=label,
            )
        order.remove(control)
        order.insert(0, control)
    if len(order) < 2:
        raise bad(
            f"the file has {len(order)} arm(s); an A/B test needs a control and a variant",
            "arm",
            file=label,
        )
    labels = np.asarray(arms_raw, dtype=object)
    arms = []
    for a in order:
        mask = labels == a
        vals = values[mask]
        buyers = int(converted[mask].sum()) if converted is not None else None
        arms.append(arm_from_values(a, vals, buyers=buyers, where=f"{label}: arm {a!r}"))
    return arms[0], arms[1:]


def _read_frame(source: str | Path | IO[bytes], label: str):
    """CSV (every column as text: values are parsed here, with row numbers) or Parquet."""
    import io

    import polars as pl

    try:
        raw = Path(source).read_bytes() if isinstance(source, (str, Path)) else source.read()
        if raw[:4] == b"PAR1":
            return pl.read_parquet(io.BytesIO(raw))
        return pl.read_csv(raw, infer_schema=False)
    except FileNotFoundError:
        raise DataError("no such file", file=label) from None
    except (OSError, pl.exceptions.PolarsError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"cannot read it as CSV or Parquet: {first}", file=label) from None


def _columns(frame, need: Sequence[str], label: str) -> dict[str, str]:
    """Lower-cased, stripped header (a UTF-8 BOM too) -> the column's own name."""
    columns = {c.lstrip("\ufeff").strip().lower(): c for c in frame.columns}
    for col in need:
        if col not in columns:
            raise bad(
                f"no {col!r} column (columns: {', '.join(frame.columns) or 'none'}); "
                f"the file needs one row per visitor with columns {', '.join(need)}",
                col,
                file=label,
            )
    return columns


def _values(frame, column: str, label: str):
    """The column as finite floats; the first that is not one is a DataError with its row."""
    import polars as pl

    col = frame.get_column(column)
    if col.dtype == pl.Utf8:
        parsed = col.str.strip_chars().cast(pl.Float64, strict=False)
    else:
        parsed = col.cast(pl.Float64, strict=False)
    bad_rows = (parsed.is_null() | parsed.is_nan() | parsed.is_infinite()).arg_true()
    if len(bad_rows):
        i = int(bad_rows[0])
        raise DataError(
            f"value must be a finite number, got {col[i]!r}", file=label, row=i + 2, column=column
        )
    return parsed.to_numpy().astype(float)


def read_values(source: str | Path | IO[bytes], *, name: str | None = None) -> MeanArm:
    """A per-visitor file's `value` column as one arm (history for `ab size`); any other
    columns, `arm` included, are ignored."""
    label = name or (str(source) if isinstance(source, (str, Path)) else "<stdin>")
    frame = _read_frame(source, label)
    columns = _columns(frame, ("value",), label)
    return arm_from_values("history", _values(frame, columns["value"], label), where=label)


def arm_from_values(name: str, values: Any, buyers: int | None = None, where="arm") -> MeanArm:
    """Per-visitor values -> MeanArm that keeps the values (for caps and the bootstrap)."""
    import numpy as np

    vals = np.asarray(values, dtype=float)
    if len(vals) < 2:
        raise bad(f"{where}: n must be at least 2 visitors for a mean, got {len(vals)}", "n")
    arm = make_mean_arm(name, len(vals), float(vals.mean()), float(vals.std(ddof=1)), buyers, where)
    return MeanArm(arm.name, arm.n, arm.mean, arm.sd, arm.buyers, vals)


def cap_arms(arms: Sequence[MeanArm], cap_pct: float) -> tuple[list[MeanArm], dict]:
    """Winsorise every arm at the `cap_pct` percentile of all values pooled (upper tail only:
    one huge order should not decide a revenue test). Returns the capped arms and what was
    done: {"pct", "value", "capped"} for the result to state."""
    import numpy as np

    if not (isinstance(cap_pct, (int, float)) and math.isfinite(cap_pct) and 0 < cap_pct < 100):
        raise bad(f"{{field}} must be a percentile between 0 and 100, got {cap_pct}", "cap_pct")
    if any(a.values is None for a in arms):
        raise bad(
            "{field} needs per-visitor values (a file), not summaries: the percentile is "
            "computed from the values",
            "cap_pct",
        )
    pooled = np.concatenate([a.values for a in arms])
    cap = float(np.percentile(pooled, cap_pct))
    out = []
    capped = 0
    for a in arms:
        v = np.minimum(a.values, cap)
        capped += int((a.values > cap).sum())
        out.append(arm_from_values(a.name, v, a.buyers, f"arm {a.name!r}"))
    return out, {"pct": float(cap_pct), "value": cap, "capped": capped}


# ----------------------------------------------------------------------------------------
# Statistics


def welch(control: MeanArm, variant: MeanArm) -> dict[str, float | None]:
    """Welch's t-test of mean_v - mean_c: difference, SE, t, Satterthwaite df, two-sided p.

    t, df and p are None when both SDs are 0 (no variation: nothing to test)."""
    from scipy import stats

    v1, v2 = control.sd**2 / control.n, variant.sd**2 / variant.n
    diff = variant.mean - control.mean
    se = math.sqrt(v1 + v2)
    if se == 0:
        return {"diff": diff, "se": 0.0, "t": None, "df": None, "p": None}
    df = (v1 + v2) ** 2 / (v1**2 / (control.n - 1) + v2**2 / (variant.n - 1))
    t = diff / se
    p = float(2 * stats.t.sf(abs(t), df))
    return {"diff": diff, "se": se, "t": t, "df": df, "p": min(1.0, p)}


def welch_interval(control: MeanArm, variant: MeanArm, alpha: float = 0.05):
    """t interval of mean_v - mean_c with Welch's df (statsmodels' tconfint_diff, unequal)."""
    from scipy import stats

    w = welch(control, variant)
    if w["df"] is None:
        return None
    q = float(stats.t.ppf(1 - alpha / 2, w["df"]))
    return w["diff"] - q * w["se"], w["diff"] + q * w["se"]


def relative_se(control: MeanArm, variant: MeanArm) -> float | None:
    """Delta-method SE of mean_v / mean_c - 1; None on a zero control mean."""
    m1, m2 = control.mean, variant.mean
    if m1 == 0:
        return None
    v1, v2 = control.sd**2 / control.n, variant.sd**2 / variant.n
    return math.sqrt(v2 / m1**2 + m2**2 * v1 / m1**4)


def relative_interval(control: MeanArm, variant: MeanArm, alpha: float = 0.05):
    """Delta-method interval of the relative lift; None on a zero control mean or SE 0."""
    se = relative_se(control, variant)
    if not se:
        return None
    r = variant.mean / control.mean - 1
    z = _NORMAL.inv_cdf(1 - alpha / 2)
    return r - z * se, r + z * se


def bootstrap_intervals(
    control: MeanArm,
    variant: MeanArm,
    *,
    resamples: int = 2000,
    seed: int = 0,
    alpha: float = 0.05,
) -> dict[str, tuple[float, float] | None]:
    """Percentile bootstrap of the absolute and relative lift, resampling visitors within
    each arm; the same seed gives the same interval. Needs per-visitor values."""
    import numpy as np

    if control.values is None or variant.values is None:
        raise bad("{field} needs per-visitor values (a file), not summaries", "bootstrap")
    if isinstance(resamples, bool) or not isinstance(resamples, int) or resamples < 100:
        raise bad(
            f"{{field}} must be a whole number of resamples >= 100, got {resamples}", "bootstrap"
        )
    if resamples > MAX_RESAMPLES:  # 10^11 asked numpy for 745 GiB (an internal error)
        raise bad(
            f"{{field}} is at most {MAX_RESAMPLES:,} resamples, got {resamples:,}", "bootstrap"
        )
    check_seed(seed)
    rng = np.random.default_rng(seed)
    means = []
    for arm in (control, variant):
        vals = arm.values
        out = np.empty(resamples)
        step = max(1, 4_000_000 // len(vals))  # rows per chunk: about 32 MB of indices
        for start in range(0, resamples, step):
            k = min(step, resamples - start)
            idx = rng.integers(0, len(vals), size=(k, len(vals)))
            out[start : start + k] = vals[idx].mean(axis=1)
        means.append(out)
    mc, mv = means
    q = [100 * alpha / 2, 100 * (1 - alpha / 2)]
    lo, hi = np.percentile(mv - mc, q)
    res: dict[str, tuple[float, float] | None] = {"ci_abs": (float(lo), float(hi))}
    if np.all(mc != 0):
        lo_r, hi_r = np.percentile(mv / mc - 1, q)
        res["ci_rel"] = (float(lo_r), float(hi_r))
    else:
        res["ci_rel"] = None
    return res


# ----------------------------------------------------------------------------------------
# Normal posteriors: P(beat), P(best), expected loss


@dataclass(frozen=True)
class NormalPrior:
    """Prior on each arm's true mean: N(mean, sd^2). `None` in its place is the flat prior."""

    mean: float
    sd: float

    def describe(self, unit: str = "") -> str:
        return f"normal prior on each arm's mean: {unit}{self.mean:g} ± {unit}{self.sd:g} (1 sd)"


def posterior(arm: MeanArm, prior: NormalPrior | None) -> tuple[float, float]:
    """(mean, variance) of an arm's true mean: the sampling distribution N(mean, se^2) under a
    flat prior, precision-weighted with the prior otherwise."""
    v = arm.se**2
    if prior is None:
        return arm.mean, v
    if v == 0:
        return arm.mean, 0.0
    w_data, w_prior = 1 / v, 1 / prior.sd**2
    var = 1 / (w_data + w_prior)
    return var * (w_data * arm.mean + w_prior * prior.mean), var


def normal_prob_greater(m1: float, v1: float, m2: float, v2: float) -> float:
    """P(X2 > X1) for independent normals."""
    s = math.sqrt(v1 + v2)
    if s == 0:
        return 1.0 if m2 > m1 else 0.0 if m2 < m1 else 0.5
    return _NORMAL.cdf((m2 - m1) / s)


def normal_expected_loss(m1: float, v1: float, m2: float, v2: float) -> tuple[float, float]:
    """(E[max(X1 - X2, 0)], E[max(X2 - X1, 0)]): what choosing arm 2 (resp. arm 1) is expected
    to give up, for D = X2 - X1 ~ N(d, s^2): E[(-D)+] = s phi(d/s) - d Phi(-d/s)."""
    d, s = m2 - m1, math.sqrt(v1 + v2)
    if s == 0:
        return max(-d, 0.0), max(d, 0.0)
    u = d / s
    pdf = math.exp(-u * u / 2) / math.sqrt(2 * math.pi)
    choose_2 = s * pdf - d * _NORMAL.cdf(-u)
    return max(0.0, choose_2), max(0.0, choose_2 + d)


def normal_prob_best(params: Sequence[tuple[float, float]]) -> list[float]:
    """P(each arm has the highest true mean) for independent normal posteriors: the integral
    of pdf_j * prod_i CDF_i by adaptive quadrature (two arms: closed form)."""
    if len(params) == 2:
        p = normal_prob_greater(*params[0], *params[1])
        return [1 - p, p]
    from scipy import integrate, stats

    out = []
    for j, (m, v) in enumerate(params):
        if v == 0:
            others = [normal_prob_greater(mi, vi, m, 0.0) for i, (mi, vi) in enumerate(params)]
            out.append(math.prod(o for i, o in enumerate(others) if i != j))
            continue
        s = math.sqrt(v)

        def f(x, j=j, m=m, s=s):
            val = stats.norm.pdf(x, m, s)
            for i, (mi, vi) in enumerate(params):
                if i != j:
                    val *= stats.norm.cdf(x, mi, math.sqrt(vi)) if vi > 0 else float(x > mi)
            return val

        total = 0.0
        for lo, hi in ((-12, -4), (-4, 0), (0, 4), (4, 12)):
            total += integrate.quad(f, m + lo * s, m + hi * s, epsabs=1e-14, limit=200)[0]
        out.append(total)
    total = sum(out)
    return [p / total for p in out] if total > 0 else [1 / len(out)] * len(out)


# ----------------------------------------------------------------------------------------
# The whole report


@dataclass
class MeanArmResult:
    name: str
    n: int
    mean: float
    sd: float
    mean_ci: tuple[float, float] | None
    buyers: int | None = None
    conversion_rate: float | None = None
    revenue_per_buyer: float | None = None


@dataclass
class MeanVariantResult(MeanArmResult):
    lift_abs: float = 0.0
    lift_rel: float | None = None
    ci_abs: tuple[float, float] | None = None
    ci_rel: tuple[float, float] | None = None
    t: float | None = None
    df: float | None = None
    p_value: float | None = None
    p_value_adjusted: float | None = None
    significant: bool = False
    prob_beat_control: float = 0.5
    expected_loss: dict[str, float] = field(default_factory=dict)
    bootstrap: dict[str, tuple[float, float] | None] | None = None
    parts: dict[str, float | None] | None = None


@dataclass
class MeanTestResult:
    """What `kptui ab test --metric mean|revenue --json` prints: the keys of the conversion
    test, with n / mean / sd per arm in place of visitors / conversions / rate."""

    metric: str
    alpha: float
    control: MeanArmResult
    variants: list[MeanVariantResult]
    prob_best: dict[str, float]
    srm_p_value: float
    srm_warning: bool
    split: list[float]
    warnings: list[str]
    prior: dict | None = None
    cap: dict | None = None
    bootstrap: dict | None = None
    mode: str = "fixed"
    tuning: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def _mean_ci(arm: MeanArm, alpha: float) -> tuple[float, float] | None:
    from scipy import stats

    if arm.sd == 0:
        return None
    q = float(stats.t.ppf(1 - alpha / 2, arm.n - 1))
    return arm.mean - q * arm.se, arm.mean + q * arm.se


def _arm_result(arm: MeanArm, alpha: float) -> dict:
    rate = arm.buyers / arm.n if arm.buyers is not None else None
    rpb = arm.total / arm.buyers if arm.buyers else None
    return {
        "name": arm.name,
        "n": arm.n,
        "mean": arm.mean,
        "sd": arm.sd,
        "mean_ci": _mean_ci(arm, alpha),
        "buyers": arm.buyers,
        "conversion_rate": rate,
        "revenue_per_buyer": rpb,
    }


def _parts(control: MeanArm, variant: MeanArm) -> dict[str, float | None] | None:
    """Relative lift of revenue per visitor = (1 + conversion lift) x (1 + per-buyer lift) - 1."""
    if control.buyers is None or variant.buyers is None:
        return None
    rc, rv = control.buyers / control.n, variant.buyers / variant.n
    conv = rv / rc - 1 if rc > 0 else None
    pbc = control.total / control.buyers if control.buyers else None
    pbv = variant.total / variant.buyers if variant.buyers else None
    per_buyer = pbv / pbc - 1 if pbc and pbv is not None else None
    return {
        "conversion_lift_abs": rv - rc,
        "conversion_lift_rel": conv,
        "revenue_per_buyer_lift_abs": None if pbc is None or pbv is None else pbv - pbc,
        "revenue_per_buyer_lift_rel": per_buyer,
    }


def analyze_means(
    control: MeanArm,
    variants: Sequence[MeanArm],
    *,
    metric: str = "mean",
    alpha: float = 0.05,
    split: Sequence[float] | None = None,
    prior: NormalPrior | None = None,
    cap_pct: float | None = None,
    bootstrap: int | None = None,
    seed: int = 0,
    sequential: bool = False,
    tuning: float = 5_000,
) -> MeanTestResult:
    """Compare every variant's mean with the control's (see the module docstring).

    With `sequential`, ci_abs / ci_rel are confidence sequences and p_value is always valid
    (see `ab_sequential`): a verdict that may be read on any day; the fixed-horizon t test's
    `t` and `df` are still reported."""
    if metric not in METRICS:
        raise bad(f"{{field}} must be one of {', '.join(METRICS)}, got {metric!r}", "metric")
    check_alpha(alpha)
    if not variants:
        raise bad("give at least one variant", "variant")
    arms = [control, *variants]
    names = [a.name for a in arms]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise bad(f"two arms are both called {dup!r}: give each a different NAME=", "name")
    if prior is not None and not (math.isfinite(prior.sd) and prior.sd > 0):
        raise bad(f"{{field}}: the sd must be positive, got {prior.sd:g}", "prior")
    shares = parse_split(split, len(arms)) if split is not None else [1 / len(arms)] * len(arms)
    cap_info = None
    if cap_pct is not None:
        arms, cap_info = cap_arms(arms, cap_pct)
    if metric == "revenue":
        # without a `converted` column a buyer is a visitor who paid something
        arms = [a if a.buyers is not None or a.values is None else _with_buyers(a) for a in arms]
    control, variants = arms[0], arms[1:]

    post = [posterior(a, prior) for a in arms]
    results = []
    for v, pv in zip(variants, post[1:], strict=True):
        w = welch(control, v)
        loss_v, loss_c = normal_expected_loss(*post[0], *pv)
        boot = None
        if bootstrap is not None:
            boot = bootstrap_intervals(control, v, resamples=bootstrap, seed=seed, alpha=alpha)
        results.append(
            MeanVariantResult(
                **_arm_result(v, alpha),
                lift_abs=w["diff"],
                lift_rel=v.mean / control.mean - 1 if control.mean != 0 else None,
                ci_abs=welch_interval(control, v, alpha),
                ci_rel=relative_interval(control, v, alpha),
                t=w["t"],
                df=w["df"],
                p_value=w["p"],
                prob_beat_control=normal_prob_greater(*post[0], *pv),
                expected_loss={"choose_variant": loss_v, "choose_control": loss_c},
                bootstrap=boot,
                parts=_parts(control, v) if metric == "revenue" else None,
            )
        )
    if sequential:
        from kptui.engine import ab_sequential as seq

        for r, v in zip(results, variants, strict=True):
            look = seq.mean_look(control.n, control.mean, control.sd, v.n, v.mean, v.sd)
            one = seq.sequential_look(look, alpha, tuning)
            r.ci_abs, r.ci_rel, r.p_value = one["ci_abs"], one["ci_rel"], one["p_value"]
    for r, adj in zip(results, holm([r.p_value for r in results]), strict=True):
        r.p_value_adjusted = adj
        r.significant = adj is not None and adj < alpha

    srm_p = srm_p_value([a.n for a in arms], shares)
    warnings = []
    if srm_p < SRM_THRESHOLD:
        intended = ", ".join(f"{s:.0%}" for s in shares)
        warnings.append(
            f"sample ratio mismatch: visitors do not match the intended split ({intended}),"
            f" p = {srm_p:.2g}; check the assignment before trusting any result"
        )
    for a in arms:
        if a.n < MIN_PER_ARM:
            warnings.append(
                f"too early to call: {a.name} has {a.n:,} visitors (wait for at least "
                f"{MIN_PER_ARM} in every arm: with fewer, the interval of a skewed mean such as "
                "revenue is not to be trusted)"
            )
    return MeanTestResult(
        metric=metric,
        alpha=alpha,
        control=MeanArmResult(**_arm_result(control, alpha)),
        variants=results,
        prob_best=dict(zip(names, normal_prob_best(post), strict=True)),
        srm_p_value=srm_p,
        srm_warning=srm_p < SRM_THRESHOLD,
        split=shares,
        warnings=warnings,
        prior=None if prior is None else {"kind": "normal", "mean": prior.mean, "sd": prior.sd},
        cap=cap_info,
        bootstrap=None if bootstrap is None else {"resamples": bootstrap, "seed": seed},
        mode="sequential" if sequential else "fixed",
        tuning=tuning if sequential else None,
    )


def _with_buyers(arm: MeanArm) -> MeanArm:
    return MeanArm(arm.name, arm.n, arm.mean, arm.sd, int((arm.values > 0).sum()), arm.values)


_PLUS_MINUS = re.compile(r"\s*(?:±|\+-|\+/-)\s*")


def parse_normal_prior(text: str) -> NormalPrior:
    """`MEAN±SD`, `MEAN+-SD` or `MEAN,SD` -> NormalPrior on each arm's mean."""
    parts = _PLUS_MINUS.split(text.strip(), maxsplit=1)
    if len(parts) != 2:
        parts = text.split(",")
    if len(parts) != 2:
        raise bad(f"{{field}} {text!r}: expected MEAN±SD (or MEAN,SD), e.g. 2.5±1", "prior")
    m = _number(parts[0], "prior mean", f"prior {text!r}")
    s = _number(parts[1], "prior sd", f"prior {text!r}")
    if s <= 0:
        raise bad(f"{{field}} {text!r}: the sd must be positive", "prior")
    return NormalPrior(m, s)
