"""Widgets shared by the panes: a capped, paged, sortable table and small text charts."""

from kptui.tui.widgets.charts import BarChart, HourChart, IntervalChart, bar_text
from kptui.tui.widgets.frame_table import Col, FrameTable

__all__ = ["BarChart", "Col", "FrameTable", "HourChart", "IntervalChart", "bar_text"]
