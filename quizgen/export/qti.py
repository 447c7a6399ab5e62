"""QTI 2.1 content package (a zip with imsmanifest.xml and one assessmentItem per item), for
Canvas (Settings > Import course content > QTI .zip file) and other QTI 2.1 players.

How each item type maps (IMS QTI 2.1 item information model):

===============  ==================================================================================
single-choice    ``choiceInteraction`` maxChoices 1; RESPONSE single identifier; SCORE 1 when it
                 matches the correct response, else 0
fix-it           the same
multi-choice     ``choiceInteraction`` maxChoices = number of correct options; RESPONSE multiple;
                 a ``mapping`` gives 1 per correct option picked, so SCORE counts the parts
                 right, as the drill scores it (no more boxes than that can be ticked)
yes-no-series    one ``choiceInteraction`` (Yes / No) per statement, RESPONSE_1 ... RESPONSE_n;
                 one point per statement
hotspot          one ``inlineChoiceInteraction`` per blank, inside its prompt's paragraph,
                 RESPONSE_1 ... RESPONSE_n; one point per blank
ordering         ``orderInteraction``; RESPONSE ordered; SCORE 1 when the order is right
case-study       each question its own item, carrying the case's scenario and exhibits
===============  ==================================================================================

Response processing is written out in full (no template to fetch): it sets SCORE and always
sets FEEDBACK so the ``modalFeedback`` (key, explanation, rule IDs) is shown after an attempt.
Each item declares MAXSCORE. Diagrams are files in the zip, shown with ``img`` and listed in
the manifest with the item that uses them. Every element has only the attributes the QTI 2.1
schema gives it: an exhibit table is ``class="exhibit"``, without HTML's ``border``.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable

from quizgen.drill import grading
from quizgen.export.common import Doc, Html, Item, items, plain, slug
from quizgen.export.media import Media, diagram

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
CP_XSD = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ITEM_RESOURCE = "imsqti_item_xmlv2p1"

ET.register_namespace("xsi", XSI)

HTML = Html(QTI)


def q(name: str) -> str:
    return f"{{{QTI}}}{name}"


def identifier(item: Item) -> str:
    """An XML NCName (QTI identifiers): letters, digits, dashes, from the item id."""
    return "q-" + slug(item.id.replace("#", "-").replace("@", "-v"))


# -- declarations and processing ---------------------------------------------------------------


def _declare(
    item_el: ET.Element, name: str, cardinality: str, correct: list[str], base: str = "identifier"
) -> ET.Element:
    declaration = ET.SubElement(
        item_el,
        q("responseDeclaration"),
        {"identifier": name, "cardinality": cardinality, "baseType": base},
    )
    response = ET.SubElement(declaration, q("correctResponse"))
    for value in correct:
        ET.SubElement(response, q("value")).text = value
    return declaration


def _outcomes(item_el: ET.Element, maximum: int) -> None:
    ET.SubElement(
        item_el,
        q("outcomeDeclaration"),
        {"identifier": "SCORE", "cardinality": "single", "baseType": "float",
         "normalMaximum": str(maximum)},
    ).append(_default("0"))
    ET.SubElement(
        item_el,
        q("outcomeDeclaration"),
        {"identifier": "MAXSCORE", "cardinality": "single", "baseType": "float"},
    ).append(_default(str(maximum)))
    ET.SubElement(
        item_el,
        q("outcomeDeclaration"),
        {"identifier": "FEEDBACK", "cardinality": "single", "baseType": "identifier"},
    )


def _default(value: str) -> ET.Element:
    default = ET.Element(q("defaultValue"))
    ET.SubElement(default, q("value")).text = value
    return default


def _base(base: str, value: str) -> ET.Element:
    element = ET.Element(q("baseValue"), {"baseType": base})
    element.text = value
    return element


def _variable(name: str) -> ET.Element:
    return ET.Element(q("variable"), {"identifier": name})


def _set(name: str, expression: ET.Element) -> ET.Element:
    element = ET.Element(q("setOutcomeValue"), {"identifier": name})
    element.append(expression)
    return element


def _matches(response: str) -> ET.Element:
    match = ET.Element(q("match"))
    match.append(_variable(response))
    ET.SubElement(match, q("correct"), {"identifier": response})
    return match


def _score_if_correct(response: str) -> ET.Element:
    """SCORE = SCORE + 1 when ``response`` matches its correct response."""
    condition = ET.Element(q("responseCondition"))
    branch = ET.SubElement(condition, q("responseIf"))
    branch.append(_matches(response))
    total = ET.Element(q("sum"))
    total.append(_variable("SCORE"))
    total.append(_base("float", "1"))
    branch.append(_set("SCORE", total))
    return condition


def _processing(item_el: ET.Element, rules: list[ET.Element]) -> None:
    processing = ET.SubElement(item_el, q("responseProcessing"))
    processing.append(_set("SCORE", _base("float", "0")))
    processing.extend(rules)
    processing.append(_set("FEEDBACK", _base("identifier", "EXPLANATION")))


# -- interactions --------------------------------------------------------------------------------


def _choice_interaction(
    name: str, choices: list[tuple[str, str]], max_choices: int, prompt: str | None = None
) -> ET.Element:
    interaction = ET.Element(
        q("choiceInteraction"),
        {"responseIdentifier": name, "shuffle": "false", "maxChoices": str(max_choices)},
    )
    if prompt is not None:
        ET.SubElement(interaction, q("prompt")).text = prompt
    for key, text in choices:
        ET.SubElement(interaction, q("simpleChoice"), {"identifier": key}).text = text
    return interaction


def _choices(item_el: ET.Element, body: ET.Element, doc: Doc) -> list[ET.Element]:
    options = [(f"choice-{o['key']}", str(o["text"])) for o in doc["options"]]
    if doc["item_type"] == "multi-choice":
        right = [f"choice-{k}" for k in grading.key(doc)]
        declaration = _declare(item_el, "RESPONSE", "multiple", right)
        mapping = ET.SubElement(
            declaration,
            q("mapping"),
            {"lowerBound": "0", "upperBound": str(len(right)), "defaultValue": "0"},
        )
        for key, _ in options:
            ET.SubElement(
                mapping,
                q("mapEntry"),
                {"mapKey": key, "mappedValue": "1" if key in right else "0"},
            )
        body.append(_choice_interaction("RESPONSE", options, len(right), f"Select {len(right)}."))
        score = _set("SCORE", ET.Element(q("mapResponse"), {"identifier": "RESPONSE"}))
        return [score]
    _declare(item_el, "RESPONSE", "single", [f"choice-{grading.key(doc)}"])
    body.append(_choice_interaction("RESPONSE", options, 1))
    return [_score_if_correct("RESPONSE")]


def _statements(item_el: ET.Element, body: ET.Element, doc: Doc) -> list[ET.Element]:
    rules = []
    for n, (statement, value) in enumerate(
        zip(doc["statements"], grading.key(doc), strict=True), start=1
    ):
        name = f"RESPONSE_{n}"
        _declare(item_el, name, "single", ["yes" if value else "no"])
        body.append(
            _choice_interaction(
                name, [("yes", "Yes"), ("no", "No")], 1, f"{n}. {statement['text']}"
            )
        )
        rules.append(_score_if_correct(name))
    return rules


def _blanks(item_el: ET.Element, body: ET.Element, doc: Doc) -> list[ET.Element]:
    rules = []
    for n, blank in enumerate(doc["blanks"], start=1):
        name = f"RESPONSE_{n}"
        choices = [(f"b{n}-c{i}", str(c)) for i, c in enumerate(blank["choices"], start=1)]
        right = choices[list(blank["choices"]).index(blank["answer"])][0]
        _declare(item_el, name, "single", [right])
        paragraph = HTML.sub(body, "p", f"{blank['prompt']}: ")
        interaction = ET.SubElement(
            paragraph,
            q("inlineChoiceInteraction"),
            {"responseIdentifier": name, "shuffle": "false"},
        )
        for key, text in choices:
            ET.SubElement(interaction, q("inlineChoice"), {"identifier": key}).text = text
        rules.append(_score_if_correct(name))
    return rules


def _ordering(item_el: ET.Element, body: ET.Element, doc: Doc) -> list[ET.Element]:
    steps = doc["ordering"]["steps"]
    choices = [(f"step-{i + 1}", str(text)) for i, text in enumerate(steps)]
    _declare(item_el, "RESPONSE", "ordered", [choices[i][0] for i in grading.key(doc)])
    interaction = ET.SubElement(
        body, q("orderInteraction"), {"responseIdentifier": "RESPONSE", "shuffle": "false"}
    )
    ET.SubElement(interaction, q("prompt")).text = "Arrange the steps from first to last."
    for key, text in choices:
        ET.SubElement(interaction, q("simpleChoice"), {"identifier": key}).text = text
    return [_score_if_correct("RESPONSE")]


INTERACTIONS = {
    "single-choice": _choices,
    "fix-it": _choices,
    "multi-choice": _choices,
    "yes-no-series": _statements,
    "hotspot": _blanks,
    "ordering": _ordering,
}


def assessment_item(item: Item, media: Media | None = None) -> ET.Element:
    """The ``assessmentItem`` of one item (declarations, body, processing, feedback, in the
    order the schema wants them)."""
    item_el = ET.Element(
        q("assessmentItem"),
        {
            f"{{{XSI}}}schemaLocation": f"{QTI} {QTI_XSD}",
            "identifier": identifier(item),
            "title": plain(item.title),
            "adaptive": "false",
            "timeDependent": "false",
        },
    )
    body = ET.Element(q("itemBody"))
    image = f"media/{media.name}" if media else None
    body.extend(HTML.question(item, image))
    # The interaction adds its response declarations to the item and its interactions to the
    # body, which joins the item after the outcome declarations, as the schema orders them.
    rules = INTERACTIONS[item.item_type](item_el, body, item.doc)
    _outcomes(item_el, grading.points(item.doc))
    item_el.append(body)
    _processing(item_el, rules)
    feedback = ET.SubElement(
        item_el,
        q("modalFeedback"),
        {"outcomeIdentifier": "FEEDBACK", "identifier": "EXPLANATION", "showHide": "show",
         "title": "Explanation"},
    )
    feedback.extend(HTML.explanation(item.doc))
    return item_el


# -- the package ---------------------------------------------------------------------------------


def manifest(entries: list[tuple[Item, str, list[str]]]) -> ET.Element:
    """imsmanifest.xml: one resource per item, listing its XML file and the media it uses."""
    root = ET.Element(
        f"{{{CP}}}manifest",
        {"identifier": "quizgen-export", f"{{{XSI}}}schemaLocation": f"{CP} {CP_XSD}"},
    )
    metadata = ET.SubElement(root, f"{{{CP}}}metadata")
    ET.SubElement(metadata, f"{{{CP}}}schema").text = "QTIv2.1 Package"
    ET.SubElement(metadata, f"{{{CP}}}schemaversion").text = "1.0.0"
    ET.SubElement(root, f"{{{CP}}}organizations")
    resources = ET.SubElement(root, f"{{{CP}}}resources")
    for item, href, files in entries:
        resource = ET.SubElement(
            resources,
            f"{{{CP}}}resource",
            {"identifier": f"res-{identifier(item)}", "type": ITEM_RESOURCE, "href": href},
        )
        for name in [href, *files]:
            ET.SubElement(resource, f"{{{CP}}}file", {"href": name})
    return root


def _xml(element: ET.Element, default_namespace: str) -> bytes:
    """The document, its namespace the default one (ElementTree's ``default_namespace`` option
    refuses the schema's unqualified attributes, so the prefix "" is registered instead)."""
    ET.register_namespace("", default_namespace)
    ET.indent(element)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True) + b"\n"


def export(questions: Iterable[Doc]) -> bytes:
    """The zip, as bytes: imsmanifest.xml, one <identifier>.xml per item at the top (so that an
    item's ``media/<diagram>.svg`` resolves from where it is) and the media folder."""
    buffer = io.BytesIO()
    entries: list[tuple[Item, str, list[str]]] = []
    written_media: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for item in items(questions):
            media = diagram(item)
            href = f"{identifier(item)}.xml"
            package.writestr(href, _xml(assessment_item(item, media), QTI))
            files = []
            if media:
                files.append(f"media/{media.name}")
                if media.name not in written_media:
                    package.writestr(files[0], media.data)
                    written_media.add(media.name)
            entries.append((item, href, files))
        package.writestr("imsmanifest.xml", _xml(manifest(entries), CP))
    return buffer.getvalue()
