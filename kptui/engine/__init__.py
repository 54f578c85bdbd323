"""Pure computation on polars frames and scipy/sklearn matrices.

Never imports textual, typer or rich and never prints, so the CLI, the TUI and the tests
call the same code. Submodules import their heavy libraries themselves.
"""
