"""Presenting results: a run's tables for the terminal, its report as an HTML page, a PDF or
PNGs, and the same parts for the web app. The rooms:

- :mod:`~flashpoint.report.sections`: one module per section of a report (the bottom line, the
  headline, the question, agreement, drivers, levers, shocks; then the appendix's outcomes,
  actors, paths, network, explanations, inputs, notes; a backtest), each giving its tables,
  charts and sentences once, for the terminal, the HTML page and print alike;
- :mod:`~flashpoint.report.document`: the assembler, which puts the sections in order into a
  report; :mod:`~flashpoint.report.parts`: what a report is made of (``Report``, ``Section``,
  ``Chart``...);
- :mod:`~flashpoint.report.scenario_tables`: tables of what a scenario states (``flashpoint
  show``, the web app's scenario page, the report's question, inputs and notes), of input
  problems, the bundled scenarios and the models;
- per model that keeps a log of its rounds, its presenter (:mod:`~flashpoint.report.eum`,
  :mod:`~flashpoint.report.exchange`, :mod:`~flashpoint.report.smp`, listed in
  :mod:`~flashpoint.report.rounds`), and :mod:`~flashpoint.report.pull` for the one-step
  models: ``flashpoint run`` and ``flashpoint explain``, and the report's explanations;
  :mod:`~flashpoint.report.outcome_words` and :mod:`~flashpoint.report.run_document`, which
  they share;
- shared small parts: :mod:`~flashpoint.report.formats` (numbers and lists in words),
  :mod:`~flashpoint.report.charts` (the charts' look), :mod:`~flashpoint.report.palette` (their
  colours);
- the forms: :mod:`~flashpoint.report.html` and :mod:`~flashpoint.report.html_tables` (the page),
  :mod:`~flashpoint.report.printing` (PDF, PNG), :mod:`~flashpoint.report.files` (a report to a
  file in the format asked for), :mod:`~flashpoint.report.export` (tables for spreadsheets),
  :mod:`~flashpoint.report.progress` (the terminal's progress bar).
"""
