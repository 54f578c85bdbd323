"""The application layer: the jobs both front ends do, one function each.

The CLI (`kptui.cli`) and the app (`kptui.tui`) call the same function for the same job, so
they cannot disagree on a rule: which dataset opens by default, which hour a draft is
suggested, what an experiment's verdict is, how a plan or a persona's members are written.
A function here takes plain values (a workspace path, a dataset path, ids) and returns plain
values; it never prints, never imports typer, rich or textual, and leaves rendering (and the
names of flags or labels) to the front end. Heavy imports stay inside the functions.

    ab           an A/B report (conversions or means, fixed or sequential, priors, power and
                 days left), a sample size for means, an experiment's results day by day
    datasets     the dataset to open (argument, else the last one used, else the sample)
    drafts       add or save a draft with its suggested publish hour
    experiments  add an experiment from typed arms, save the A/B pane's arms, its verdict
    exports      the plan as JSON, CSV or Markdown, to a file or as text
    insights     what the creator's history says (outliers, when, funnel, trends, tags), and
                 each tag's multiple for the tag suggester
    personas     a persona's members, and every viewer's persona and whose list to push
                 to them now, as CSV files; how many viewers each persona's list goes to
"""
