"""A/B pane: arms in, verdict out as you type; each arm's rate with its interval; sample size.

The metric is conversion (visitors, conversions per arm) or a mean such as revenue per
visitor (visitors, mean, SD per arm: the same job as `kptui ab test --metric revenue
--summary mean-sd`, kptui.services.ab). "checked daily" switches to the sequential test,
whose verdict may be read on any day. An experiment opened from the Plan pane with results
recorded by date shows its lift day by day with the always-valid band.

The maths is `kptui.engine.abtest` (the same as `kptui ab test` / `ab size`). It is cheap, but
it still runs in a thread worker so a large exact Bayesian sum can never stall typing; stale
results are dropped by a sequence number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, Select, Static
from textual.worker import get_current_worker

from kptui.tui.messages import OpenExperiment, WorkspaceChanged
from kptui.tui.panes.base import Pane
from kptui.tui.text import pct, plain
from kptui.tui.widgets import Col, FrameTable, IntervalChart
from kptui.tui.widgets.field import Field
from kptui.tui.widgets.lift_chart import LiftChart
from kptui.tui.widgets.tickbox import TickBox

if TYPE_CHECKING:
    from kptui.engine.abtest import ABTestResult

# one limit for the pane and `kptui ab test` (control included): the engine's
ARM_NAMES = ("control", *"BCDEFGHIJKLMNOPQRSTUVWXYZ")
RESULT_COLS = (
    Col("arm", "Arm", width=14),
    Col("rate", "Rate", "pct", digits=2),
    Col("ci", "Rate 95% CI", width=17, drop=2),
    Col("lift", "Lift", width=16),
    Col("p", "p (Holm)", width=16),
    Col("beat", "P(beat ctl)", "pct", digits=1),
    Col("best", "P(best)", "pct", digits=1, drop=1),
)
# The engine's errors name the field they are about; this pane names it as its inputs do.
FIELD_LABELS = {
    "alpha": "alpha",
    "baseline": "baseline %",
    "mde": "MDE %",
    "power": "power",
    "daily": "visitors/day",
    "arms": "number of arms",
    "tuning": "tuning",
}
METRICS = (("conversion", "conversion"), ("revenue / visitor", "revenue"), ("mean", "mean"))
MEAN_COLS = (
    Col("arm", "Arm", width=14),
    Col("mean", "Mean", width=10),
    Col("ci", "Mean 95% CI", width=19),
    Col("lift", "Lift", width=14),
    Col("p", "p (Holm)", width=10),
    Col("beat", "P(beat ctl)", "pct", digits=1),
)
P_BEAT_WORDS = (
    "P(beat ctl) is the chance, given the data and a flat prior, that the variant's true value"
    " is higher: not 1 - p, and not how large the lift is."
)


@dataclass
class ArmInput:
    name: str
    visitors: str
    conversions: str  # the mean, for a mean metric
    sd: str = ""


class ABComputed(Message):
    def __init__(self, seq: int, result: ABTestResult | None, error: str | None, size: Any) -> None:
        super().__init__()
        self.seq = seq
        self.result = result
        self.error = error
        self.size = size  # dict from abtest.sample_size, or an error string, or None


class ArmRow(Horizontal):
    """One arm: name, visitors, conversions, and its rate.

    The fields are created with the row, so reading them never depends on whether the row
    has been mounted yet (a row added by ctrl+n is read in the same refresh).
    """

    def __init__(self, name: str, visitors: str = "", conversions: str = "", control: bool = False):
        super().__init__(classes="arm-row" + (" -control" if control else ""))
        self.name_field = Field(name, placeholder="name", classes="arm-name", compact=True)
        self.visitors_field = Field(
            visitors, placeholder="visitors", type="integer", classes="arm-visitors", compact=True
        )
        self.conversions_field = Field(
            conversions,
            placeholder="conversions",
            type="integer",
            classes="arm-conversions",
            compact=True,
        )
        self.sd_field = Field("", placeholder="SD", type="number", classes="arm-sd", compact=True)
        self.rate_label = Label("", classes="arm-rate", markup=False)

    def compose(self) -> ComposeResult:
        yield self.name_field
        yield self.visitors_field
        yield self.conversions_field
        yield self.sd_field
        yield self.rate_label

    def value(self) -> ArmInput:
        return ArmInput(
            self.name_field.value,
            self.visitors_field.value,
            self.conversions_field.value,
            self.sd_field.value,
        )

    def set_metric(self, metric: str) -> None:
        """Conversions are whole numbers; a mean is any number."""
        means = metric != "conversion"
        self.conversions_field.type = "number" if means else "integer"
        self.conversions_field.placeholder = "mean" if means else "conversions"

    def set_value(self, name: str, visitors: int | str, conversions: int | str) -> None:
        self.name_field.value = name
        self.visitors_field.value = str(visitors)
        self.conversions_field.value = str(conversions)


def _float(text: str, what: str, *, percent: bool = False) -> float:
    from kptui.errors import UsageError

    raw = text.strip().replace(",", "")
    written_pct = raw.endswith("%")
    try:
        value = float(raw.rstrip("%"))
    except ValueError:
        raise UsageError(f"{what}: expected a number, got {text.strip()!r}") from None
    if written_pct or (percent and abs(value) >= 1):
        return value / 100  # `5%`, or a bare 5 in a percent field
    return value  # 0.05 reads as in the CLI: a fraction


def compute_means(
    arms: list[ArmInput], alpha_text: str, metric: str, sequential: bool, daily: str = ""
) -> tuple[dict | None, str | None]:
    """A mean metric through kptui.services.ab.run_test (as `kptui ab test --metric ...
    --summary mean-sd`); a bad value gives a message instead of a report."""
    from kptui.errors import KptuiError
    from kptui.services.ab import run_test

    filled = [a for a in arms if a.visitors.strip() or a.conversions.strip() or a.sd.strip()]
    if len(filled) < 2 or not arms[0].visitors.strip():
        return None, "Enter visitors, mean and SD for the control and at least one variant."
    half = next((a for a in filled if not (a.visitors and a.conversions and a.sd).strip()), None)
    if half is not None:
        return None, f"{half.name.strip() or 'an arm'}: enter its visitors, mean and SD."
    specs = []
    for i, a in enumerate(filled):
        name = a.name.strip() or ("A" if i == 0 else f"V{i}")
        numbers = ":".join(x.strip().replace(",", "") for x in (a.visitors, a.conversions, a.sd))
        specs.append(f"{name}={numbers}")
    try:
        alpha = _float(alpha_text or "0.05", "alpha")
        report = run_test(
            metric=metric,
            control=specs[0],
            variants=specs[1:],
            summary="mean-sd",
            alpha=alpha,
            sequential=sequential,
            daily=_float(daily, "daily") if daily.strip() else None,
        )
    except KptuiError as exc:
        return None, exc.text(FIELD_LABELS)
    return report, None


def mean_verdict_text(report: dict) -> Text:
    """The same sentence `kptui ab test` prints, then what P(beat) means."""
    from kptui.services.ab_words import mean_verdict

    unit = "¥" if report["metric"] == "revenue" else ""
    out = Text()
    winner = any(v["significant"] and v["lift_abs"] > 0 for v in report["variants"])
    style = "bold green" if winner else "bold yellow"
    out.append(("✔ " if winner else "… ") + plain(mean_verdict(report, unit)), style=style)
    for v in report["variants"]:
        out.append("\n" + plain(power_words(v, unit)))
    out.append("\n" + P_BEAT_WORDS, style="dim")
    for warning in report["warnings"]:
        out.append("\n⚠ " + plain(warning), style="yellow")
    return out


def power_words(v: dict, unit: str) -> str:
    """Power so far for the lift seen, and what reaching 80% would take."""
    from kptui.services.ab_words import money

    pw = v["power"]
    text = (
        f"{v['name']}: power so far {pw['power_reached']:.0%} for the "
        f"{money(pw['effect'], unit, True)} seen"
    )
    if pw["visitors_needed"] is None:
        return text
    more = pw["visitors_needed"] - pw["visitors_so_far"]
    if more <= 0:
        return text + f"; {pw['power_target']:.0%} reached"
    text += f"; {pw['power_target']:.0%} needs ~{more:,} more visitors"
    if pw["days_left"] is not None:
        left = pw["days_left"]
        text += f" ({left:,} day{'' if left == 1 else 's'} at {pw['daily']:,.0f}/day)"
    return text


def _mean_rows(report: dict) -> list[tuple[Any, ...]]:
    from kptui.services.ab_words import money

    unit = "¥" if report["metric"] == "revenue" else ""

    def ci(pair: Any) -> str:
        return f"{money(pair[0], unit)}–{money(pair[1], unit)}" if pair else "—"

    c = report["control"]
    rows: list[tuple[Any, ...]] = [
        (c["name"], money(c["mean"], unit), ci(c["mean_ci"]), "—", "", None)
    ]
    for v in report["variants"]:
        lift = money(v["lift_abs"], unit, True) + (
            f" {v['lift_rel']:+.0%}" if v["lift_rel"] is not None else ""
        )
        adj = v["p_value_adjusted"]
        rows.append(
            (
                v["name"],
                money(v["mean"], unit),
                ci(v["mean_ci"]),
                lift,
                fmt_p(adj).removeprefix("= ") if adj is not None else "—",
                v["prob_beat_control"],
            )
        )
    return rows


def compute(
    arms: list[ArmInput],
    alpha_text: str,
    planner: dict[str, Any],
    metric: str = "conversion",
    sequential: bool = False,
) -> tuple[Any, str | None, Any]:
    """Run the engine on the typed values; a bad value gives a message instead of a result.

    Conversions give an ABTestResult (sequential: its intervals are confidence sequences and
    its p-values always valid); a mean metric gives the report dict of kptui.services.ab."""
    from kptui.engine import abtest
    from kptui.errors import KptuiError

    if metric != "conversion":
        report, problem = compute_means(
            arms, alpha_text, metric, sequential, planner.get("daily", "")
        )
        return (
            report,
            problem,
            "This planner is for conversions; for a mean: kptui ab size --metric mean",
        )

    result = error = None
    alpha = 0.05
    try:
        alpha = abtest.check_alpha(_float(alpha_text or "0.05", "alpha"), "alpha")
        filled = [a for a in arms if a.visitors.strip() or a.conversions.strip()]
        half = next((a for a in filled if not (a.visitors.strip() and a.conversions.strip())), None)
        if len(filled) < 2 or not arms[0].visitors.strip():
            error = "Enter visitors and conversions for the control and at least one variant."
        elif half is not None:  # still typing this arm: no verdict on half the numbers
            missing = "conversions" if half.visitors.strip() else "visitors"
            error = f"{half.name.strip() or 'an arm'}: enter its {missing} too."
        else:
            parsed = []
            for i, a in enumerate(filled):
                where = a.name.strip() or f"arm {i + 1}"
                visitors = int(_float(a.visitors or "0", f"{where}: visitors"))
                conversions = int(_float(a.conversions or "0", f"{where}: conversions"))
                parsed.append(abtest.make_arm(a.name, visitors, conversions, where))
            result = abtest.analyze(parsed[0], parsed[1:], alpha=alpha)
            if sequential:
                from kptui.engine.ab_sequential import make_sequential

                make_sequential(result, alpha)  # in place: bands and always-valid p
    except KptuiError as exc:
        error = exc.text(FIELD_LABELS)

    size: Any = None
    try:
        baseline_text = planner["baseline"].strip()
        if not baseline_text and result is not None:
            baseline = result.control.rate
        elif baseline_text:
            baseline = _float(baseline_text, "baseline", percent=True)
        else:
            baseline = None
        mde_text = planner["mde"].strip()
        daily_text = planner["daily"].strip()
        if baseline is not None and mde_text:
            size = abtest.sample_size(
                baseline,
                _float(mde_text, "MDE", percent=True),
                relative=planner["relative"],
                alpha=alpha,
                power=_float(planner["power"] or "0.8", "power"),
                arms=max(2, len(arms)),
                daily=int(_float(daily_text, "daily visitors")) if daily_text else None,
            )
    except KptuiError as exc:
        size = exc.text(FIELD_LABELS)
    return result, error, size


def fmt_p(p: float | None) -> str:
    """`= 0.0186`, or `< 0.0001` rather than a misleading `= 0`."""
    if p is None:
        return "not computable"
    return "< 0.0001" if p < 0.0001 else f"= {p:.3g}"


def verdict_text(result: ABTestResult, sequential: bool = False) -> Text:
    """Plain words first: which arm wins (or that nothing does yet), then the numbers."""
    out = Text()
    ctl = result.control
    level = f"{1 - result.alpha:.0%}"
    for i, v in enumerate(result.variants):
        if i:
            out.append("\n")
        name = plain(v.name, limit=24)
        if v.p_value is None:
            out.append(f"{name}: ", style="bold")
            out.append("not computable (both arms at 0% or at 100%)", style="yellow")
            continue
        if v.significant and v.lift_abs > 0:
            out.append(f"✔ {name} beats {plain(ctl.name, limit=24)}", style="bold green")
        elif v.significant:
            out.append(f"✘ {name} is worse than {plain(ctl.name, limit=24)}", style="bold red")
        else:
            out.append(f"… {name}: no clear difference yet", style="bold yellow")
        rel = f" ({v.lift_rel:+.1%})" if v.lift_rel is not None else ""
        ci = (
            f", {level} CI {v.ci_abs[0] * 100:+.2f} to {v.ci_abs[1] * 100:+.2f} pts"
            if v.ci_abs
            else ""
        )
        adj = v.p_value_adjusted if v.p_value_adjusted is not None else v.p_value
        out.append(f"\n  {v.lift_abs * 100:+.2f} pts{rel}{ci}")
        holm = f" (Holm {fmt_p(adj)})" if len(result.variants) > 1 else ""
        out.append(f"\n  p {fmt_p(v.p_value)}{holm} · P({name} beats control) ")
        out.append(f"{v.prob_beat_control:.1%}", style="bold")
    if sequential:
        out.append(
            "\nChecked daily: intervals and p stay valid however often you look.", style="dim"
        )
    for warning in result.warnings:
        out.append("\n⚠ " + plain(warning), style="yellow")
    return out


class TimelineLoaded(Message):
    def __init__(self, experiment_id: int, found: dict | None) -> None:
        super().__init__()
        self.experiment_id = experiment_id
        self.found = found


class ABPane(Pane):
    PANE_ID = "ab"
    PANE_TITLE = "A/B"
    PANE_KEY = "5"
    DEFAULT_FOCUS = "#ab-table"  # never a field: the next digit would be typed into it
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "e",
            "edit_arms",
            "Edit arms",
            id="ab.edit",
            tooltip="type visitors and conversions per arm",
        ),
        Binding("ctrl+n", "add_arm", "Add arm", id="ab.add_arm", tooltip="add a variant"),
        Binding(
            "ctrl+r",
            "remove_arm",
            "Remove arm",
            id="ab.remove_arm",
            tooltip="remove the last variant",
        ),
        Binding(
            "ctrl+s",
            "save_experiment",
            "Save",
            id="ab.save",
            tooltip="save the experiment to your plan",
        ),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._seq = 0
        self._timer = None
        self.experiment_id: int | None = None
        self.last_result: ABTestResult | None = None
        self.last_size: Any = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="ab-body"):
            with Vertical(id="ab-left"):
                with Vertical(id="ab-arms", classes="box"):
                    with Horizontal(id="ab-head"):
                        yield Label("Experiment", classes="arm-label")
                        yield Field("A/B test", id="ab-name", compact=True, placeholder="name")
                        yield Label("alpha", classes="arm-label2")
                        yield Field("0.05", id="ab-alpha", compact=True)
                    with Horizontal(id="ab-options"):
                        yield Label("Metric", classes="arm-label")
                        yield Select(
                            METRICS, value="conversion", allow_blank=False, id="ab-metric",
                            compact=True,
                        )  # fmt: skip
                        yield TickBox("checked daily", False, id="ab-sequential", compact=True)
                    with Horizontal(classes="arm-header"):
                        yield Label("arm", classes="arm-name-h")
                        yield Label("visitors", classes="arm-num-h")
                        yield Label("conversions", classes="arm-num-h", id="ab-second-h")
                        yield Label("SD", classes="arm-sd-h")
                        yield Label("rate", classes="arm-rate-h")
                    yield ArmRow("control", control=True)
                    yield ArmRow("B")
                with Vertical(id="ab-verdict-box", classes="box"):
                    yield Static("", id="ab-verdict")
                with Vertical(id="ab-chart-box", classes="box"):
                    yield IntervalChart(id="ab-chart")
                with Vertical(id="ab-timeline-box", classes="box"):
                    yield LiftChart(id="ab-timeline")
            with Vertical(id="ab-right"):
                yield FrameTable(id="ab-table", title="Arms", page_size=50)
                with Vertical(id="ab-size-box", classes="box"):
                    with Horizontal(classes="size-row"):
                        yield Label("baseline %", classes="size-label")
                        yield Field("", id="size-baseline", compact=True, placeholder="control")
                        yield Label("MDE %", classes="size-label")
                        yield Field("10", id="size-mde", compact=True)
                        yield TickBox("relative", True, id="size-relative", compact=True)
                    with Horizontal(classes="size-row"):
                        yield Label("power", classes="size-label")
                        yield Field("0.8", id="size-power", compact=True)
                        yield Label("visitors/day", classes="size-label")
                        yield Field("", id="size-daily", compact=True, placeholder="optional")
                    yield Static("", id="ab-size")

    def on_mount(self) -> None:
        self.query_one("#ab-arms").border_title = "Arms (ctrl+n add · ctrl+r remove)"
        self.query_one("#ab-verdict-box").border_title = "Verdict"
        self.query_one("#ab-chart-box").border_title = "Conversion rate with 95% interval"
        self.query_one("#ab-size-box").border_title = "Sample size planner"
        self.query_one("#ab-timeline-box").border_title = "Lift day by day"
        self._schedule(0)

    # inputs -----------------------------------------------------------------------------
    def arm_rows(self) -> list[ArmRow]:
        return list(self.query(ArmRow))

    def arm_inputs(self) -> list[ArmInput]:
        return [row.value() for row in self.arm_rows()]

    def set_arms(
        self, arms: list[tuple[str, int, int]], *, name: str | None = None, alpha: float = 0.05
    ) -> None:
        """Fill the arms (from a saved experiment or a test); recomputes."""
        rows = self.arm_rows()
        box = self.query_one("#ab-arms")
        for row in rows[len(arms) :]:
            row.remove()  # gone before the recompute scheduled below runs
        for i, (arm_name, visitors, conversions) in enumerate(arms):
            if i < len(rows):
                rows[i].set_value(arm_name, visitors, conversions)
            else:
                box.mount(ArmRow(arm_name, str(visitors), str(conversions)))
        if name is not None:
            self.query_one("#ab-name", Input).value = name
        self.query_one("#ab-alpha", Input).value = f"{alpha:g}"
        self.query_one("#ab-metric", Select).value = "conversion"  # what the plan stores
        self._schedule(0)
        if self.experiment_id is not None:
            self._load_timeline(self.experiment_id)
        else:
            self.query_one("#ab-timeline-box").display = False

    @property
    def metric(self) -> str:
        value = self.query_one("#ab-metric", Select).value
        return value if isinstance(value, str) else "conversion"

    @on(Select.Changed, "#ab-metric")
    def _metric_changed(self, event: Select.Changed) -> None:
        means = self.metric != "conversion"
        self.set_class(means, "-means")
        self.query_one("#ab-second-h", Label).update("mean" if means else "conversions")
        self.query_one("#ab-chart-box").display = not means  # the table holds the means
        for row in self.arm_rows():
            row.set_metric(self.metric)
        self._schedule(0)

    @work(thread=True, exclusive=True, group="ab-timeline", exit_on_error=False)
    def _load_timeline(self, experiment_id: int) -> None:
        from kptui.errors import KptuiError
        from kptui.services.ab import experiment_timeline

        try:
            found: dict | None = experiment_timeline(self.kapp.workspace, experiment_id)
        except KptuiError:
            found = None
        self.post_message(TimelineLoaded(experiment_id, found))

    @on(TimelineLoaded)
    def _timeline_loaded(self, event: TimelineLoaded) -> None:
        event.stop()
        box = self.query_one("#ab-timeline-box")
        found = event.found if event.experiment_id == self.experiment_id else None
        points = next((p for p in (found or {}).get("points", {}).values() if p), None)
        box.display = points is not None
        if points is None or found is None:
            return
        variant = next(n for n, p in found["points"].items() if p is points)
        first = found["first_significant_day"].get(variant)
        when = f"significant under daily checks since {first}" if first else "not significant yet"
        title = plain(f"{variant} vs {found['arms'][0]}: {when}", limit=90)
        self.query_one("#ab-timeline", LiftChart).set_points(
            points, title=title, level=f"{1 - found['alpha']:.0%}"
        )

    @on(OpenExperiment)
    def _open_experiment(self, event: OpenExperiment) -> None:
        """A saved experiment chosen in the Plan pane: its arms, name and alpha."""
        event.stop()
        exp = event.experiment
        self.experiment_id = exp.id
        self.set_arms(
            [(a.name, a.visitors, a.conversions) for a in exp.arms], name=exp.name, alpha=exp.alpha
        )

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _changed(self, event: Message) -> None:
        self._schedule()

    def _schedule(self, delay: float = 0.12) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(delay, self._compute) if delay else None
        if not delay:
            self.call_after_refresh(self._compute)

    def _compute(self) -> None:
        self._seq += 1
        planner = {
            "baseline": self.query_one("#size-baseline", Input).value,
            "mde": self.query_one("#size-mde", Input).value,
            "relative": self.query_one("#size-relative", Checkbox).value,
            "power": self.query_one("#size-power", Input).value,
            "daily": self.query_one("#size-daily", Input).value,
        }
        self._worker(
            self._seq,
            self.arm_inputs(),
            self.query_one("#ab-alpha", Input).value,
            planner,
            self.metric,
            self.query_one("#ab-sequential", Checkbox).value,
        )

    @work(thread=True, exclusive=True, group="ab", exit_on_error=False)
    def _worker(
        self,
        seq: int,
        arms: list[ArmInput],
        alpha: str,
        planner: dict[str, Any],
        metric: str = "conversion",
        sequential: bool = False,
    ) -> None:
        result, error, size = compute(arms, alpha, planner, metric, sequential)
        if not get_current_worker().is_cancelled:
            self.post_message(ABComputed(seq, result, error, size))

    @on(ABComputed)
    def _show(self, event: ABComputed) -> None:
        event.stop()
        if event.seq != self._seq:
            return  # a newer computation is on its way
        self.last_result = event.result
        self.last_size = event.size
        verdict = self.query_one("#ab-verdict", Static)
        chart = self.query_one("#ab-chart", IntervalChart)
        table = self.query_one("#ab-table", FrameTable)
        self._show_rates()
        if event.result is None:
            verdict.update(Text(plain(event.error or ""), style="yellow"))
            chart.set_arms([])
            table.set_data(RESULT_COLS, [], empty="no result yet")
        elif isinstance(event.result, dict):  # a mean metric: the services report
            verdict.update(mean_verdict_text(event.result))
            chart.set_arms([])
            table.set_data(MEAN_COLS, _mean_rows(event.result))
        else:
            r = event.result
            verdict.update(verdict_text(r, self.query_one("#ab-sequential", Checkbox).value))
            arms = [(r.control.name, r.control.rate, tuple(r.control.rate_ci), "bold")]
            for v in r.variants:
                style = ("green" if v.lift_abs > 0 else "red") if v.significant else "yellow"
                arms.append((v.name, v.rate, tuple(v.rate_ci), style))
            chart.set_arms(arms)
            table.set_data(RESULT_COLS, _result_rows(r))
        self._show_size(event.size)

    def _show_rates(self) -> None:
        if self.metric != "conversion":
            for row in self.arm_rows():
                row.rate_label.update("")
            return
        for row in self.arm_rows():
            value = row.value()
            label = row.rate_label
            try:
                v, c = int(value.visitors), int(value.conversions)
                label.update(pct(c / v, 2) if v > 0 and 0 <= c <= v else "—")
            except ValueError:
                label.update("")

    def _show_size(self, size: Any) -> None:
        box = self.query_one("#ab-size", Static)
        if isinstance(size, str) and self.metric != "conversion":
            box.update(Text(size, style="dim"))
        elif size is None:
            box.update(Text("Type a baseline rate (or control numbers above) and an MDE.", "dim"))
        elif isinstance(size, str):
            box.update(Text(plain(size), style="yellow"))
        else:
            line = Text()
            line.append(f"{size['per_arm']:,}", style="bold")
            line.append(f" visitors per arm, {size['total']:,} total")
            line.append(f" ({size['arms']} arms)")
            if size.get("days") is not None:
                line.append(" · ")
                days = size["days"]
                line.append(f"{days:,} day{'' if days == 1 else 's'}", style="bold")
                line.append(f" at {size['daily']:,}/day")
            line.append(
                f"\nto see {pct(size['baseline'], 2)} → {pct(size['target'], 2)}"
                f" at alpha {size['alpha']:g}, power {size['power']:g}",
                style="dim",
            )
            box.update(line)

    # actions ----------------------------------------------------------------------------
    def action_edit_arms(self) -> None:
        self.arm_rows()[0].visitors_field.focus()

    @on(FrameTable.RowChosen, "#ab-table")
    def _edit_arm(self, event: FrameTable.RowChosen) -> None:
        """Enter on an arm's result row: type that arm's numbers."""
        row = next((r for r in self.arm_rows() if r.value().name == event.values[0]), None)
        (row or self.arm_rows()[0]).visitors_field.focus()

    def action_add_arm(self) -> None:
        rows = self.arm_rows()
        from kptui.engine.abtest import MAX_ARMS

        if len(rows) >= MAX_ARMS:
            self.notify(
                f"At most {MAX_ARMS} arms (control included), as in `kptui ab test`.",
                severity="warning",
            )
            return
        used = {r.value().name for r in rows}
        name = next((n for n in ARM_NAMES if n not in used), f"arm {len(rows) + 1}")
        row = ArmRow(name)
        row.set_metric(self.metric)
        self.query_one("#ab-arms").mount(row)
        self.call_after_refresh(row.visitors_field.focus)
        self._schedule(0)

    async def action_remove_arm(self) -> None:
        rows = self.arm_rows()
        if len(rows) <= 2:
            self.notify("An experiment needs a control and at least one variant.")
            return
        await rows[-1].remove()
        self._schedule(0)

    def action_save_experiment(self) -> None:
        result = self.last_result
        if isinstance(result, dict):
            self.notify(
                "The plan keeps conversion counts only: a mean metric cannot be saved yet.",
                severity="warning",
            )
            return
        if result is None:
            self.notify("Nothing to save yet: enter visitors and conversions.", severity="warning")
            return
        arms = [(result.control.name, result.control.visitors, result.control.conversions)]
        arms += [(v.name, v.visitors, v.conversions) for v in result.variants]
        name = self.query_one("#ab-name", Input).value.strip() or "A/B test"
        self._save_worker(name, arms, result.alpha, self.experiment_id)

    @work(thread=True, exclusive=True, group="ab-save", exit_on_error=False)
    def _save_worker(
        self, name: str, arms: list[tuple[str, int, int]], alpha: float, existing: int | None
    ) -> None:
        from kptui.engine.abtest import Arm
        from kptui.services.experiments import save_arms

        saved = [Arm(n, v, c) for n, v, c in arms]
        exp = save_arms(self.kapp.workspace, name, saved, alpha, existing)
        self.app.call_from_thread(self._saved, exp.id, exp.name)

    def _saved(self, experiment_id: int, name: str) -> None:
        self.experiment_id = experiment_id
        self.notify(f"Saved experiment #{experiment_id}: {plain(name)}", markup=False)
        self.post_message(WorkspaceChanged())


def _result_rows(r: ABTestResult) -> list[tuple[Any, ...]]:
    def ci(pair: Any) -> str:
        return f"{pair[0] * 100:.2f}–{pair[1] * 100:.2f}%" if pair else "—"

    rows: list[tuple[Any, ...]] = [
        (
            r.control.name,
            r.control.rate,
            ci(r.control.rate_ci),
            "—",
            "",
            None,
            r.prob_best.get(r.control.name),
        )
    ]
    for v in r.variants:
        lift = f"{v.lift_abs * 100:+.2f} pts" + (
            f" {v.lift_rel:+.0%}" if v.lift_rel is not None else ""
        )
        p = fmt_p(v.p_value).removeprefix("= ")
        if v.p_value_adjusted is not None and len(r.variants) > 1:
            p += f" ({fmt_p(v.p_value_adjusted).removeprefix('= ')})"
        rows.append(
            (
                v.name,
                v.rate,
                ci(v.rate_ci),
                lift,
                p,
                v.prob_beat_control,
                r.prob_best.get(v.name),
            )
        )
    return rows
