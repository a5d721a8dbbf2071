"""The sections of a report, a module each, in the order a forecast's report reads:

- :mod:`~.bottom_line`: the brief (lead sentence, key judgements, what would change it,
  signposts);
- :mod:`~.headline`: the headline forecast (how likely each future is, its simulation error and
  basis) and the section "How likely each future is";
- :mod:`~.question`: the question (the futures in view, who wants what);
- :mod:`~.agreement`: agreement or breakdown (who blocks, the zone of agreement);
- :mod:`~.drivers`: what drives the forecast (sensitivity: the tornado, indices, factorial);
- :mod:`~.levers`: what would it take (a levers search);
- :mod:`~.shocks`: what each shock changes (a comparison);

then the appendix:

- :mod:`~.outcomes`: where each issue lands, model by model;
- :mod:`~.actors`: who stands where (bubble charts);
- :mod:`~.paths`: positions round by round;
- :mod:`~.network`: the exchange network;
- :mod:`~.explanations`: why each actor moved;
- :mod:`~.inputs`: the inputs in full, and the first model's outcome in words;
- :mod:`~.notes`: notes and sources;

and, for a backtest's report, :mod:`~.backtest`.

Each module gives its section's tables (rich tables, which the terminal prints and the HTML page
reads), its charts (plotly figures, which the page draws with plotly.js and
:mod:`flashpoint.report.printing` with matplotlib) and its sentences once, and a ``section``
function that builds its :class:`~flashpoint.report.parts.Section` (the headline also gives
:func:`~.headline.headline`, the report's opening numbers). :mod:`flashpoint.report.document`
puts the sections in order.
"""
