"""KTAB's SMP XML input (KAPSARC Toolkit for Behavioral Analysis, Spatial Model of Politics).

Format (see ``docs/specs/ktab.md`` §3.2 and KTAB's ``smpSchema.xsd``)::

    <Scenario>
      <name>…</name> <desc>…</desc> <prngSeed>…</prngSeed>
      <ModelParameters> the nine model parameters </ModelParameters>       (optional)
      <Dimensions> <dName>…</dName> … </Dimensions>
      <Actors>
        <Actor> <name/> <description/> <capability/>
          <Position> <dCoord/> per dimension </Position>
          <Salience> <dSal/> per dimension </Salience> </Actor> …
      </Actors>
      <IdealAdjustment>                                                    (optional)
        <iaPair> <adjustingIdeal>A</adjustingIdeal> <referencePos>B</referencePos>
                 <adjust>rate</adjust> </iaPair> …
      </IdealAdjustment>
    </Scenario>

Read as the KTAB CSV file is (:mod:`flashpoint.scenario.ktab`): dimensions become issues on
0-100, saliences are on 0-100 and add up to at most 100 per actor, the actor's name is its id,
and distinct descriptions become labels. In addition:

- ``prngSeed`` (a whole number below 2**64; leading zeros allowed) becomes the scenario's
  ``seed``;
- the model parameters become ``model_options["smp"]`` under the SMP model's option names, with
  KTAB's value names (the schema's spellings ``Proportional`` and ``No`` are read as ``Prop``
  and ``None``); if the block is present, all nine are needed, as in KTAB;
- the ``iaPair`` entries become ``model_options["smp"]["accommodation"]``, a list of
  ``{actor, towards, rate}`` in file order. Unlike KTAB, the block may be left out (no
  accommodation: KTAB's identity matrix).

Every problem is placed by the line on which its element starts (the parser's line and column
for a file that is not well-formed XML).
"""

from __future__ import annotations

import difflib
import re
import xml.etree.ElementTree as ET
from typing import Any
from xml.parsers import expat

from flashpoint.scenario.cells import number_or_text
from flashpoint.scenario.errors import Location, Origin, Problem, ScenarioError
from flashpoint.scenario.ktab import (
    add_dimension,
    check_salience_total,
    ktab_header,
    label_by_descriptions,
    stance_entry,
)
from flashpoint.scenario.schema import SEED_LIMIT
from flashpoint.scenario.tables import Declared, Entry, assemble

# KTAB's tag -> (the SMP model's option name, KTAB's value names)
PARAMETERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "VictoryProbModel": ("victory_probability", ("Linear", "Square", "Quartic", "Octic", "Binary")),
    "PCEModel": ("pce", ("Conditional", "MarkovIncentive", "MarkovUniform")),
    "StateTransitions": ("transitions", ("Deterministic", "Stochastic")),
    "VotingRule": ("voting_rule", ("Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp")),
    "BigRAdjust": ("risk_adjust", ("None", "OneThird", "Half", "TwoThirds", "Full")),
    "BigRRange": ("risk_range", ("Min", "Mid", "Max")),
    "ThirdPartyCommit": ("third_party_commit", ("NoCommit", "SemiCommit", "FullCommit")),
    "InterVecBrgn": ("bargain_interpolation", ("S1P1", "S2P2", "S2PMax")),
    "BargnModel": ("bargain_model", ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp")),
}
# KTAB's schema (smpSchema.xsd) spells two values differently from its reader
SCHEMA_SPELLINGS: dict[tuple[str, str], str] = {
    ("VotingRule", "Proportional"): "Prop",
    ("BigRAdjust", "No"): "None",
}
MODEL = "smp"
_SCENARIO = (
    "name",
    "desc",
    "prngSeed",
    "ModelParameters",
    "Dimensions",
    "Actors",
    "IdealAdjustment",
)
_ACTOR = ("name", "description", "capability", "Position", "Salience")
_PAIR = ("adjustingIdeal", "referencePos", "adjust")


def read_ktab_xml(
    content: bytes, *, file: str, name: str
) -> tuple[dict[str, Any], Origin, list[Problem]]:
    """Scenario data from the bytes of a KTAB SMP XML file."""
    reader = _Reader(file)
    root = reader.parse(content)
    data = reader.scenario(root, name)
    return data, reader.origin, reader.problems


class _Reader:
    """Reads one file: the elements' lines, the problems found, where each value came from."""

    def __init__(self, file: str):
        self.file = file
        self.origin = Origin(file=file, show_path=False)
        self.problems: list[Problem] = []
        self.lines: dict[ET.Element, int] = {}

    # --- the tree and its lines -------------------------------------------------------------

    def parse(self, content: bytes) -> ET.Element:
        """The root element; every element's starting line goes to ``self.lines``."""
        builder = ET.TreeBuilder()
        parser = expat.ParserCreate()

        def start(tag: str, attributes: dict[str, str]) -> None:
            self.lines[builder.start(tag, attributes)] = parser.CurrentLineNumber

        parser.StartElementHandler = start
        parser.EndElementHandler = builder.end
        parser.CharacterDataHandler = builder.data
        try:
            parser.Parse(content, True)
        except expat.ExpatError as error:
            reason = expat.ErrorString(error.code)
            raise ScenarioError(
                [
                    Problem(
                        Location(file=self.file, line=error.lineno),
                        f"this is not well-formed XML: {reason} (column {error.offset + 1})",
                    )
                ]
            ) from None
        root = builder.close()
        if root.tag != "Scenario":
            raise ScenarioError(
                [
                    Problem(
                        self.at(root),
                        f"the document is a <{root.tag}>; a KTAB SMP file holds a <Scenario>",
                    )
                ]
            )
        return root

    def at(self, element: ET.Element) -> Location:
        return Location(file=self.file, line=self.lines.get(element))

    def problem(self, element: ET.Element, message: str) -> None:
        self.problems.append(Problem(self.at(element), message))

    def children(
        self,
        parent: ET.Element,
        allowed: tuple[str, ...],
        *,
        required: tuple[str, ...] = (),
        repeated: tuple[str, ...] = (),
        why: str = "",
    ) -> dict[str, list[ET.Element]]:
        """The child elements by tag. Reports unknown elements, missing ``required`` ones (with
        ``why`` they are needed) and a second one of a tag not in ``repeated``."""
        what = f"<{parent.tag}>"
        found: dict[str, list[ET.Element]] = {}
        for child in parent:
            if child.tag not in allowed:
                close = difflib.get_close_matches(child.tag, allowed, n=1)
                hint = f"did you mean <{close[0]}>?" if close else f"allowed: {', '.join(allowed)}"
                self.problem(child, f"unknown element <{child.tag}> in {what} ({hint})")
                continue
            same = found.setdefault(child.tag, [])
            if same and child.tag not in repeated:
                first = self.lines.get(same[0])
                self.problem(child, f"a second <{child.tag}> in {what} (first at line {first})")
                continue
            same.append(child)
        for tag in required:
            if tag not in found:
                self.problem(parent, f"{what} has no <{tag}>{why}")
        return found

    def text(self, element: ET.Element) -> str:
        """The text of an element that should hold text only."""
        if len(element):
            self.problem(element, f"<{element.tag}> should hold text, not other elements")
        return (element.text or "").strip()

    # --- the scenario -----------------------------------------------------------------------

    def scenario(self, root: ET.Element, name: str) -> dict[str, Any]:
        parts = self.children(root, _SCENARIO, required=("Actors",))
        title = self.text(parts["name"][0]) if "name" in parts else ""
        description = self.text(parts["desc"][0]) if "desc" in parts else ""
        data = ktab_header(title, description, file=self.file, name=name)
        if "name" in parts:
            self.origin.places[("title",)] = self.at(parts["name"][0])
        if "desc" in parts:
            self.origin.places[("description",)] = self.at(parts["desc"][0])
        if "prngSeed" in parts:
            seed = self.seed(parts["prngSeed"][0])
            if seed is not None:
                data["seed"] = seed
                self.origin.places[("seed",)] = self.at(parts["prngSeed"][0])

        options: dict[str, Any] = {}
        if "ModelParameters" in parts:
            options.update(self.parameters(parts["ModelParameters"][0]))

        actor_elements = (
            self.children(parts["Actors"][0], ("Actor",), repeated=("Actor",)).get("Actor", [])
            if "Actors" in parts
            else []
        )
        if "Actors" in parts and not actor_elements:
            self.problem(parts["Actors"][0], "<Actors> lists no <Actor>")
        issues: dict[str, Declared] = {}
        dimensions = self.dimensions(
            parts.get("Dimensions", [None])[0], root, actor_elements, issues
        )
        actors: dict[str, Declared] = {}
        names: dict[str, int | None] = {}  # every actor named, with the line of its <Actor>
        entries: list[Entry] = []
        for element in actor_elements:
            self.actor(element, dimensions, actors, names, entries)

        if "IdealAdjustment" in parts:
            options["accommodation"] = self.accommodation(parts["IdealAdjustment"][0], names)
        if options:
            data["model_options"] = {MODEL: options}
        label_by_descriptions(actors)
        data.update(assemble(entries, issues, actors, self.origin, self.problems))
        return data

    def seed(self, element: ET.Element) -> int | None:
        text = self.text(element)
        if re.fullmatch(r"\d+", text) and int(text) < SEED_LIMIT:
            return int(text)
        shown = f"'{text}'" if text else "empty"
        self.problem(
            element,
            f"<prngSeed> is {shown}; it must be a whole number from 0 to {SEED_LIMIT - 1}",
        )
        return None

    def parameters(self, block: ET.Element) -> dict[str, str]:
        """The nine model parameters, under the SMP model's option names."""
        found = self.children(
            block,
            tuple(PARAMETERS),
            required=tuple(PARAMETERS),
            why="; all nine parameters are needed when the block is present",
        )
        options: dict[str, str] = {}
        for tag, (option, values) in PARAMETERS.items():
            if tag not in found:
                continue
            element = found[tag][0]
            text = self.text(element)
            spellings = {value.lower(): value for value in values}
            spellings.update(
                {
                    written.lower(): value
                    for (key, written), value in SCHEMA_SPELLINGS.items()
                    if key == tag
                }
            )
            value = spellings.get(text.lower())
            if value is None:
                allowed = ", ".join(
                    value
                    + "".join(
                        f" (or {written})"
                        for (key, written), same in SCHEMA_SPELLINGS.items()
                        if key == tag and same == value
                    )
                    for value in values
                )
                shown = f"'{text}'" if text else "empty"
                self.problem(element, f"<{tag}> is {shown}; allowed: {allowed}")
                continue
            options[option] = value
        return options

    def dimensions(
        self,
        block: ET.Element | None,
        root: ET.Element,
        actors: list[ET.Element],
        issues: dict[str, Declared],
    ) -> list[str | None]:
        """Declare the issues: one per ``dName``, or, without ``<Dimensions>``, one per
        coordinate of the first actor's position (named Dimension 1, 2, ...). Returns the issue
        of each dimension in order (None for a name used twice, which is reported)."""
        if block is None:
            for actor in actors:
                for position in actor.iter("Position"):
                    count = sum(1 for child in position if child.tag == "dCoord")
                    return [
                        add_dimension(issues, "", number, self.at(root))
                        for number in range(1, count + 1)
                    ]
            return []
        names = self.children(block, ("dName",), repeated=("dName",)).get("dName", [])
        if not names:
            self.problem(block, "<Dimensions> lists no <dName>")
        dimensions: list[str | None] = []
        for number, element in enumerate(names, start=1):
            before = len(issues)
            key = add_dimension(issues, self.text(element), number, self.at(element))
            if len(issues) == before:
                first = issues[key].place.line
                self.problem(
                    element, f"the dimension '{key}' is named twice (first at line {first})"
                )
            dimensions.append(key if len(issues) > before else None)
        return dimensions

    def actor(
        self,
        element: ET.Element,
        dimensions: list[str | None],
        actors: dict[str, Declared],
        names: dict[str, int | None],
        entries: list[Entry],
    ) -> None:
        """One ``<Actor>``: declared with its stances, unless a part is missing."""
        parts = self.children(element, _ACTOR, required=("name",))
        actor = self.text(parts["name"][0]) if "name" in parts else ""
        if "name" in parts and not actor:
            self.problem(parts["name"][0], "the actor's <name> is empty")
        if not actor:
            return
        what = f"the <Actor> '{actor}'"
        if actor in names:
            self.problem(element, f"actor '{actor}' is listed twice (first at line {names[actor]})")
            return
        names[actor] = self.lines.get(element)
        missing = [tag for tag in ("capability", "Position", "Salience") if tag not in parts]
        for tag in missing:
            self.problem(element, f"{what} has no <{tag}>")
        if missing:
            return
        description = self.text(parts["description"][0]) if "description" in parts else ""
        actors[actor] = Declared({"id": actor, "description": description}, self.at(element))
        capability = parts["capability"][0]
        power = self.capability(capability, actor)
        coordinates = self.values(parts["Position"][0], "dCoord", actor, len(dimensions))
        saliences = self.values(parts["Salience"][0], "dSal", actor, len(dimensions))
        total = 0.0
        for key, position, salience in zip(dimensions, coordinates, saliences, strict=False):
            if key is None or position is None or salience is None:
                continue  # reported: a dimension named twice, or an empty element
            value = number_or_text(salience[0])
            entries.append(
                stance_entry(
                    actor,
                    key,
                    self.at(element),
                    capability=(power, self.at(capability)),
                    position=(number_or_text(position[0]), position[1]),
                    salience=(value, salience[1]),
                )
            )
            total += value if isinstance(value, float) else 0.0
        check_salience_total(actor, total, self.at(element), self.problems)

    def capability(self, element: ET.Element, actor: str) -> float | str:
        """The capability as a number (or text that validation reports); KTAB needs it above 0
        in an XML file (0 is reported here, a negative one by validation)."""
        value = number_or_text(self.text(element))
        if value == 0:
            self.problem(element, f"the capability of actor '{actor}' is 0; KTAB needs it above 0")
        return value

    def values(
        self, block: ET.Element, tag: str, actor: str, count: int
    ) -> list[tuple[str, Location] | None]:
        """The texts of a ``<Position>`` or ``<Salience>`` (None for an empty element)."""
        elements = self.children(block, (tag,), repeated=(tag,)).get(tag, [])
        if len(elements) != count:
            self.problem(
                block,
                f"<{block.tag}> of actor '{actor}' has {len(elements)} <{tag}>;"
                f" the file has {count} dimension{'' if count == 1 else 's'}",
            )
        out: list[tuple[str, Location] | None] = []
        for number, element in enumerate(elements, start=1):
            text = self.text(element)
            if not text:
                needed = (
                    "a position from 0 to 100" if tag == "dCoord" else "a salience from 0 to 100"
                )
                self.problem(
                    element,
                    f"actor '{actor}': the {_ordinal(number)} {tag} is empty; {needed} is needed",
                )
                out.append(None)
            else:
                out.append((text, self.at(element)))
        return out

    def accommodation(
        self, block: ET.Element, actors: dict[str, int | None]
    ) -> list[dict[str, Any]]:
        """The ``iaPair`` entries as ``{actor, towards, rate}``, checked: known actors, a rate
        from 0 to 1, one entry per pair, and each actor's row adding up to at most 1 (its own
        entry counts 1 when it is not listed, as in KTAB's identity matrix)."""
        pairs: list[dict[str, Any]] = []
        seen: dict[tuple[str, str], int | None] = {}
        rows: dict[str, list[tuple[ET.Element, str, float]]] = {}
        for element in self.children(block, ("iaPair",), repeated=("iaPair",)).get("iaPair", []):
            parts = self.children(element, _PAIR, required=_PAIR)
            if any(tag not in parts for tag in _PAIR):
                continue
            actor, towards = (self.text(parts[tag][0]) for tag in _PAIR[:2])
            known = True
            for tag, named in zip(_PAIR[:2], (actor, towards), strict=True):
                if named not in actors:
                    known = False
                    close = difflib.get_close_matches(named, sorted(actors), n=1)
                    hint = f" (did you mean '{close[0]}'?)" if close else ""
                    shown = f"unknown actor '{named}'" if named else "no actor"
                    self.problem(parts[tag][0], f"<{tag}> names {shown}{hint}")
            rate = self.rate(parts["adjust"][0])
            if not known or rate is None:
                continue
            if (actor, towards) in seen:
                first = seen[(actor, towards)]
                self.problem(
                    element,
                    f"a second <iaPair> for '{actor}' towards '{towards}' (first at line {first})",
                )
                continue
            seen[(actor, towards)] = self.lines.get(element)
            rows.setdefault(actor, []).append((element, towards, rate))
            pairs.append({"actor": actor, "towards": towards, "rate": rate})
        for actor, row in rows.items():
            own = any(towards == actor for _, towards, _ in row)
            total = sum(rate for _, _, rate in row) + (0.0 if own else 1.0)
            if total > 1 + 1e-9:
                unlisted = "" if own else ", with 1 for its own pair, which is not listed"
                self.problem(
                    row[0][0],
                    f"the adjust rates of actor '{actor}' add up to {total:g}{unlisted};"
                    " a row of the accommodation matrix may add up to at most 1",
                )
        return pairs

    def rate(self, element: ET.Element) -> float | None:
        text = self.text(element)
        value = number_or_text(text)
        if isinstance(value, str):
            self.problem(
                element,
                f"'{text}' is not a number"
                if text
                else "<adjust> is empty; a rate from 0 to 1 is needed",
            )
            return None
        if not 0 <= value <= 1:
            self.problem(element, f"the rate {value:g} is outside 0 to 1")
            return None
        return value


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"
