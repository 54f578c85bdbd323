"""A Select that survives being removed before it finished mounting.

Textual's Select fills its overlay in its Mount handler with an unguarded `query_one`; when
the widget is removed first (quitting while the hidden panes are still mounting, just after
the first frame), the overlay is gone and the app died with `NoMatches` instead of
quitting. That was the "flaky" test_ansi_theme_follows_terminal: its first app closes at
once, and on a loaded machine the A/B pane's Select was still mounting.
"""

from __future__ import annotations

from textual.css.query import NoMatches
from textual.widgets import Select


class Choice(Select):
    def _setup_options_renderables(self) -> None:
        try:
            super()._setup_options_renderables()
        except NoMatches:
            if self.is_attached and not self._closing and not self._pruning:
                raise  # not being removed: a real bug, let it show
