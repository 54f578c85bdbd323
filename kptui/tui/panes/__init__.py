"""The six panes: each gets the dataset from the app and runs its own workers."""
