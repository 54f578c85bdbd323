"""The Textual app. One module per pane under `panes/`, slow work in thread workers."""
