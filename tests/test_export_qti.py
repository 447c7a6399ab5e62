"""QTI 2.1 package, opened back: the manifest resolves to files in the zip, every item is well
formed in the QTI 2.1 namespace, declares the key (recomputed with grading.key) as its correct
response, has the interactions of its item type, scores and shows the explanation."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

import pytest
from export_cases import hostile_questions, questions

from quizgen.drill import grading
from quizgen.export import media, qti
from quizgen.export.common import items

NS = {"qti": qti.QTI, "cp": qti.CP}
INTERACTIONS = {
    "single-choice": ["choiceInteraction"],
    "fix-it": ["choiceInteraction"],
    "multi-choice": ["choiceInteraction"],
    "yes-no-series": ["choiceInteraction"],  # one per statement
    "hotspot": ["inlineChoiceInteraction"],  # one per blank
    "ordering": ["orderInteraction"],
}
#: The order of an assessmentItem's children in the QTI 2.1 schema.
ORDER = ["responseDeclaration", "outcomeDeclaration", "itemBody", "responseProcessing",
         "modalFeedback"]


def local(element: ET.Element) -> str:
    return element.tag.split("}", 1)[1]


def unpack(docs):
    package = zipfile.ZipFile(io.BytesIO(qti.export(docs)))
    assert package.testzip() is None
    manifest = ET.fromstring(package.read("imsmanifest.xml"))
    assert manifest.tag == f"{{{qti.CP}}}manifest"
    by_id = {qti.identifier(item): item for item in items(docs)}
    found = []
    for resource in manifest.iterfind("cp:resources/cp:resource", NS):
        assert resource.get("type") == "imsqti_item_xmlv2p1"
        href = resource.get("href")
        files = [f.get("href") for f in resource.iterfind("cp:file", NS)]
        assert href in files
        for name in files:
            assert name in package.namelist(), name
        root = ET.fromstring(package.read(href))
        assert root.tag == f"{{{qti.QTI}}}assessmentItem"
        found.append((by_id.pop(root.get("identifier")), root, package))
    assert not by_id, f"not in the manifest: {sorted(by_id)}"
    return found


def correct(root, name):
    declaration = root.find(f"qti:responseDeclaration[@identifier='{name}']", NS)
    assert declaration is not None, name
    return [v.text for v in declaration.iterfind("qti:correctResponse/qti:value", NS)]


def choice_texts(interaction, tag="simpleChoice"):
    choices = interaction.iterfind(f"qti:{tag}", NS)
    return {c.get("identifier"): "".join(c.itertext()) for c in choices}


@pytest.mark.parametrize("make", [questions, hostile_questions], ids=["plain", "hostile"])
def test_items_declare_the_key_and_have_their_interactions(make):
    for item, root, _ in unpack(make()):
        doc = item.doc
        key = grading.key(doc)
        kinds = [local(e) for e in root.iter() if local(e).endswith("Interaction")]
        assert set(kinds) == set(INTERACTIONS[item.item_type])
        children = [local(e) for e in root]
        assert children == sorted(children, key=ORDER.index)
        declared = {d.get("identifier") for d in root.iterfind("qti:responseDeclaration", NS)}
        used = {
            e.get("responseIdentifier") for e in root.iter() if local(e).endswith("Interaction")
        }
        assert declared == used
        if item.item_type in ("single-choice", "fix-it", "multi-choice"):
            interaction = root.find(".//qti:choiceInteraction", NS)
            texts = choice_texts(interaction)
            assert list(texts.values()) == [o["text"] for o in doc["options"]]
            picked = [texts[v] for v in correct(root, "RESPONSE")]
            keys = [key] if isinstance(key, str) else key
            by_key = {o["key"]: o["text"] for o in doc["options"]}
            assert picked == [by_key[k] for k in keys]
            assert interaction.get("maxChoices") == str(len(keys))
            if item.item_type == "multi-choice":
                mapping = root.find("qti:responseDeclaration/qti:mapping", NS)
                paid = {e.get("mapKey"): float(e.get("mappedValue")) for e in mapping}
                assert sum(paid.values()) == len(keys) == float(mapping.get("upperBound"))
        elif item.item_type == "yes-no-series":
            assert kinds.count("choiceInteraction") == len(doc["statements"])
            values = [correct(root, f"RESPONSE_{n}") for n in range(1, len(key) + 1)]
            assert values == [["yes" if v else "no"] for v in key]
        elif item.item_type == "hotspot":
            interactions = root.findall(".//qti:inlineChoiceInteraction", NS)
            assert len(interactions) == len(doc["blanks"])
            for n, (interaction, value) in enumerate(zip(interactions, key, strict=True), 1):
                texts = choice_texts(interaction, "inlineChoice")
                assert texts[correct(root, f"RESPONSE_{n}")[0]] == value
        else:
            interaction = root.find(".//qti:orderInteraction", NS)
            texts = choice_texts(interaction)
            assert [texts[v] for v in correct(root, "RESPONSE")] == doc["ordering"]["answer"]
        feedback = root.find("qti:modalFeedback", NS)
        assert feedback.get("outcomeIdentifier") == "FEEDBACK"
        shown = "".join(feedback.itertext())
        for sentence in doc["explanation"]:
            assert sentence in shown
        maximum = root.find("qti:outcomeDeclaration[@identifier='MAXSCORE']", NS)
        assert "".join(maximum.itertext()).strip() == str(grading.points(doc))
        processing = root.find("qti:responseProcessing", NS)
        assert processing.find(".//qti:setOutcomeValue[@identifier='FEEDBACK']", NS) is not None


def test_hostile_text_is_element_text_not_markup():
    for _, root, _ in unpack(hostile_questions()):
        tags = {local(e) for e in root.iter()}
        assert "b" not in tags
        body = ET.tostring(root.find("qti:itemBody", NS), encoding="unicode")
        assert "]]&gt;" in body


def test_diagrams_are_files_in_the_package(monkeypatch):
    def fake(item):
        return media.Media(name=f"diagram-{qti.identifier(item)}.svg", data=b"<svg/>")

    monkeypatch.setattr(qti, "diagram", fake)
    found = unpack(questions()[:3])
    for _, root, package in found:
        image = root.find(".//qti:img", NS)
        assert image is not None and image.get("alt")
        assert package.read(image.get("src")) == b"<svg/>"



# -- attributes against the QTI 2.1 schema ----------------------------------------------------

XML_NS = "{http://www.w3.org/XML/1998/namespace}"
#: What every QTI body element (HTML inside itemBody and modalFeedback, interactions, choices)
#: accepts: id, class, xml:lang, label (imsqti_v2p1.xsd, e.g. id/class/xmllang/label.TR.Attr).
BODY = {"id", "class", f"{XML_NS}lang", "label"}
TABLE_CELL = BODY | {"headers", "scope", "abbr", "axis", "rowspan", "colspan", "align", "valign"}
#: Element -> the attributes imsqti_v2p1.xsd (QTI 2.1 final, 2012) gives it, for every element
#: the export writes. An element missing here, or an attribute outside its set, fails the test:
#: a new element has to be looked up in the schema before it is allowed.
ALLOWED = {
    "assessmentItem": {"identifier", "title", "label", f"{XML_NS}lang", "toolName",
                       "toolVersion", "adaptive", "timeDependent"},
    "responseDeclaration": {"identifier", "cardinality", "baseType"},
    "outcomeDeclaration": {"identifier", "cardinality", "baseType", "view", "interpretation",
                           "longInterpretation", "normalMaximum", "normalMinimum",
                           "masteryValue"},
    "correctResponse": {"interpretation"},
    "defaultValue": {"interpretation"},
    "value": {"fieldIdentifier", "baseType"},
    "mapping": {"lowerBound", "upperBound", "defaultValue"},
    "mapEntry": {"mapKey", "mappedValue", "caseSensitive"},
    "itemBody": BODY,
    "responseProcessing": {"template", "templateLocation"},
    "responseCondition": set(),
    "responseIf": set(),
    "setOutcomeValue": {"identifier"},
    "match": set(),
    "sum": set(),
    "variable": {"identifier", "weightIdentifier"},
    "correct": {"identifier"},
    "baseValue": {"baseType"},
    "mapResponse": {"identifier"},
    "modalFeedback": {"outcomeIdentifier", "showHide", "identifier", "title"},
    "choiceInteraction": BODY | {"responseIdentifier", "shuffle", "maxChoices", "minChoices",
                                 "orientation"},
    "orderInteraction": BODY | {"responseIdentifier", "shuffle", "maxChoices", "minChoices",
                                "orientation"},
    "inlineChoiceInteraction": BODY | {"responseIdentifier", "shuffle", "required"},
    "prompt": BODY,
    "simpleChoice": BODY | {"identifier", "fixed", "templateIdentifier", "showHide"},
    "inlineChoice": BODY | {"identifier", "fixed", "templateIdentifier", "showHide"},
    "p": BODY,
    "ul": BODY,
    "ol": BODY,
    "li": BODY,
    "img": BODY | {"src", "alt", "longdesc", "height", "width"},
    "table": BODY | {"summary"},
    "caption": BODY,
    "thead": BODY,
    "tbody": BODY,
    "tr": BODY,
    "th": TABLE_CELL,
    "td": TABLE_CELL,
}
#: Attributes the schema requires (use="required").
REQUIRED = {
    "assessmentItem": {"identifier", "title", "timeDependent"},
    "responseDeclaration": {"identifier", "cardinality"},
    "outcomeDeclaration": {"identifier", "cardinality"},
    "mapEntry": {"mapKey", "mappedValue"},
    "setOutcomeValue": {"identifier"},
    "variable": {"identifier"},
    "correct": {"identifier"},
    "baseValue": {"baseType"},
    "mapResponse": {"identifier"},
    "modalFeedback": {"outcomeIdentifier", "showHide", "identifier"},
    "choiceInteraction": {"responseIdentifier"},
    "orderInteraction": {"responseIdentifier"},
    "inlineChoiceInteraction": {"responseIdentifier"},
    "simpleChoice": {"identifier"},
    "inlineChoice": {"identifier"},
    "img": {"src", "alt"},
}
#: Attributes whose value the schema restricts to a list.
VALUES = {
    "cardinality": {"single", "multiple", "ordered", "record"},
    "baseType": {"boolean", "directedPair", "duration", "file", "float", "identifier",
                 "integer", "pair", "point", "string", "uri"},
    "showHide": {"show", "hide"},
    "scope": {"row", "col", "rowgroup", "colgroup"},
    "shuffle": {"true", "false"},
    "adaptive": {"true", "false"},
    "timeDependent": {"true", "false"},
}


@pytest.mark.parametrize("make", [questions, hostile_questions], ids=["plain", "hostile"])
def test_every_element_has_only_the_attributes_qti_2_1_allows(make):
    written = set()
    for _, root, _ in unpack(make()):
        for element in root.iter():
            assert element.tag.startswith(f"{{{qti.QTI}}}"), element.tag
            name = local(element)
            assert name in ALLOWED, f"{name}: not looked up in the QTI 2.1 schema"
            # xsi:schemaLocation may stand on any element of an instance document.
            names = {a for a in element.attrib if not a.startswith(f"{{{qti.XSI}}}")}
            assert names <= ALLOWED[name], f"{name}: {sorted(names - ALLOWED[name])}"
            assert REQUIRED.get(name, set()) <= names, f"{name}: lacks {REQUIRED[name]}"
            for attribute, value in element.attrib.items():
                if attribute in VALUES:
                    assert value in VALUES[attribute], f"{name} {attribute}={value!r}"
            written.add(name)
    # The exhibits (and, for the plain set, the diagrams) are really there to be checked.
    assert {"table", "caption", "th", "td"} <= written
    assert make is hostile_questions or "img" in written
