"""kptui: a terminal campaign planner for short-video creators who sell paid knowledge.

Kept import-free on purpose: `kptui --help` and `kptui ab` must start in a blink.
"""

__version__ = "0.1.0"
