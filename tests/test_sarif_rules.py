"""The SARIF log against the SARIF multitool's validation rules (microsoft/sarif-sdk,
``src/Sarif.Multitool.Library/Rules/SARIF*.cs``), re-implemented here because the multitool
needs .NET: every rule the multitool reports as an error or a warning by default, and the
notes this log can honour. The real console script writes the log; a table of broken logs
proves each check can fail.

Notes deliberately not honoured: SARIF2012's Pascal-case friendly name (rule names are the
catalog's kebab-case names, as in ruff and the other front ends), SARIF2002 message
arguments and SARIF2014/2015 (messages are composed by the engine, not from templates),
SARIF2003 version control provenance (the tool does not read git), SARIF2010/2011/2013 code
snippets, context regions and embedded contents (the source holds the key material).
"""
from __future__ import annotations

import copy
import json
import pathlib
import re
from typing import Any, Callable, Dict, Iterator, List, Set, Tuple

import jsonschema
import pytest
from test_check_cli import HARD_CODED, run_cli, write
from test_report_formats import BROKEN, NOTEBOOK, SCHEMA

Log = Dict[str, Any]
#: (rule, level, what) as the multitool would report it.
Failure = Tuple[str, str, str]

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# RFC 3986 URI-reference characters; '%' only as an escape (.NET's IsWellFormedUriString).
_URI_CHARS = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")
_CONVENTIONAL_ID = re.compile(r"[A-Z]{1,8}(?:-?[0-9]{1,6}){0,3}")
_FINAL_SCHEMA = ("2.1.0", "2.1.0.json")


def _absolute(uri: str) -> bool:
    return bool(_SCHEME.match(uri))


def _artifact_locations(run: Log) -> Iterator[Tuple[str, Log]]:
    """(pointer, artifactLocation) for every artifact location of a run."""
    for name, location in (run.get("originalUriBaseIds") or {}).items():
        yield f"originalUriBaseIds/{name}", location
    for i, result in enumerate(run.get("results") or []):
        for j, place in enumerate(result.get("locations") or []):
            artifact = (place.get("physicalLocation") or {}).get("artifactLocation")
            if artifact is not None:
                yield f"results/{i}/locations/{j}", artifact
    for i, invocation in enumerate(run.get("invocations") or []):
        for j, note in enumerate(invocation.get("toolExecutionNotifications") or []):
            for k, place in enumerate(note.get("locations") or []):
                artifact = (place.get("physicalLocation") or {}).get("artifactLocation")
                if artifact is not None:
                    yield f"invocations/{i}/notifications/{j}/locations/{k}", artifact


def _messages(run: Log) -> Iterator[Tuple[str, Log]]:
    for i, result in enumerate(run.get("results") or []):
        yield f"results/{i}", result.get("message") or {}
    for i, invocation in enumerate(run.get("invocations") or []):
        for j, note in enumerate(invocation.get("toolExecutionNotifications") or []):
            yield f"invocations/{i}/notifications/{j}", note.get("message") or {}


def check_log(log: Log) -> List[Failure]:
    """Every check of the log as a whole and of each run."""
    failures: List[Failure] = []
    schema = log.get("$schema")
    if schema is None:
        failures.append(("SARIF2008", "warning", "no $schema"))
    else:
        failures += _check_uri(schema, "$schema", must_be_absolute=True)
        if not schema.endswith(_FINAL_SCHEMA):
            failures.append(("SARIF1011", "error", f"$schema {schema} is not the final 2.1.0"))
    for run in log.get("runs") or []:
        failures += check_run(run, log)
    return failures


def _check_uri(uri: str, where: str, must_be_absolute: bool = False) -> List[Failure]:
    failures: List[Failure] = []
    if not _URI_CHARS.fullmatch(uri):
        failures.append(("SARIF1002", "error", f"{where}: {uri!r} is not a well-formed URI"))
    if uri.startswith("file:") and ".." in uri.split("/"):
        failures.append(("SARIF1002", "error", f"{where}: file URI {uri!r} has '..'"))
    if must_be_absolute and not _absolute(uri):
        failures.append(("SARIF1005", "error", f"{where}: {uri!r} is not absolute"))
    return failures


def check_run(run: Log, log: Log) -> List[Failure]:
    """The per-run rules."""
    driver = run["tool"]["driver"]
    rules = driver.get("rules") or []
    return [*_check_driver(driver), *_check_rules(rules), *_check_locations(run, log),
            *_check_results(run, rules), *_check_messages(run)]


def _check_driver(driver: Log) -> List[Failure]:
    failures: List[Failure] = []
    if len(driver.get("name", "").split()) > 3:
        failures.append(("SARIF2005", "warning", "tool name longer than three words"))
    if "informationUri" not in driver:
        failures.append(("SARIF2005", "warning", "driver has no informationUri"))
    else:
        failures += _check_uri(driver["informationUri"], "informationUri")
    versions = [driver.get(k, "").strip()
                for k in ("version", "semanticVersion", "dottedQuadFileVersion")]
    if not any(versions):
        failures.append(("SARIF2005", "warning", "driver has no version"))
    elif driver.get("version") and not re.match(r"\d", driver["version"]):
        failures.append(("SARIF2005", "warning", "version is not numeric"))
    if "downloadUri" in driver:
        failures += _check_uri(driver["downloadUri"], "downloadUri", must_be_absolute=True)
    if not driver.get("rules"):
        failures.append(("SARIF2012", "note", "driver has no rules"))
    return failures


def _check_rules(rules: List[Log]) -> List[Failure]:
    failures: List[Failure] = []
    if rules and list(rules[0]) == ["id"]:
        failures.append(("SARIF2004", "warning", "rules carry only their id"))
    for index, rule in enumerate(rules):
        where = f"rules/{index}"
        rule_id, name = rule.get("id"), rule.get("name")
        if rule_id is not None and name is not None and rule_id.lower() == name.lower():
            failures.append(("SARIF1001", "warning", f"{where}: id and name are the same"))
        for key, message in (rule.get("messageStrings") or {}).items():
            if message.get("text") and not message["text"].endswith("."):
                failures.append(("SARIF2001", "warning", f"{where}: messageStrings/{key}"))
        if "helpUri" not in rule:
            failures.append(("SARIF2012", "note", f"{where}: no helpUri"))
        else:
            failures += _check_uri(rule["helpUri"], f"{where}/helpUri", must_be_absolute=True)
        if not name:
            failures.append(("SARIF2012", "note", f"{where}: no friendly name"))
        if rule_id and "/" in rule_id:
            failures.append(("SARIF2009", "note", f"{where}: hierarchical id on a descriptor"))
        elif rule_id and not _CONVENTIONAL_ID.fullmatch(rule_id):
            failures.append(("SARIF2009", "note", f"{where}: unconventional id {rule_id!r}"))
    return failures


def _resolves(pointer: str, log: Log) -> bool:
    """Whether a JSON pointer (RFC 6901) names something in the log."""
    node: Any = log
    for token in pointer.split("/")[1:] if pointer else []:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        elif isinstance(node, dict) and token in node:
            node = node[token]
        else:
            return False
    return True


def _check_locations(run: Log, log: Log) -> List[Failure]:
    failures: List[Failure] = []
    for where, artifact in _artifact_locations(run):
        uri = artifact.get("uri")
        if uri is None:
            continue
        failures += _check_uri(uri, where)
        if uri.startswith("sarif:") and not _resolves(uri[len("sarif:"):], log):
            failures.append(("SARIF1013", "error", f"{where}: {uri} resolves to nothing"))
        if where.startswith("originalUriBaseIds/"):
            if artifact.get("uriBaseId") is None and not _absolute(uri):
                failures.append(("SARIF1004", "error", f"{where}: relative base without a base"))
            if not uri.endswith("/"):
                failures.append(("SARIF1004", "error", f"{where}: does not end with '/'"))
            if ".." in uri.split("/"):
                failures.append(("SARIF1004", "error", f"{where}: has '..'"))
            if _absolute(uri) and ("?" in uri or "#" in uri):
                failures.append(("SARIF1004", "error", f"{where}: has a query or fragment"))
            continue
        if artifact.get("uriBaseId") is not None and _absolute(uri):
            failures.append(("SARIF1004", "error", f"{where}: uriBaseId with an absolute uri"))
        if not _absolute(uri) and uri.startswith("/"):
            failures.append(("SARIF1004", "error", f"{where}: relative uri starts with '/'"))
        if where.startswith("results/"):
            if uri.startswith("file:"):
                failures.append(("SARIF2016", "note", f"{where}: absolute file URI"))
            elif uri.startswith("/"):
                failures.append(("SARIF2016", "note", f"{where}: leading slash in {uri!r}"))
            elif "\\" in uri:
                failures.append(("SARIF2016", "note", f"{where}: backslash in {uri!r}"))
        if "index" in artifact:
            artifacts = run.get("artifacts") or []
            if artifact["index"] == -1:
                failures.append(("SARIF2004", "warning", f"{where}: sentinel index -1"))
            elif not 0 <= artifact["index"] < len(artifacts):
                failures.append(("SARIF1009", "error", f"{where}: index out of artifacts"))
    return failures


def _check_region(region: Log, where: str) -> List[Failure]:
    failures: List[Failure] = []
    if not any(k in region for k in ("startLine", "charOffset", "byteOffset")):
        failures.append(("SARIF1007", "error", f"{where}: region is neither text nor binary"))
        return failures
    start, end = region.get("startLine", 0), region.get("endLine")
    if end is not None and end < start:
        failures.append(("SARIF1007", "error", f"{where}: endLine before startLine"))
    if (end is None or end == start) and "endColumn" in region and (
            region["endColumn"] < region.get("startColumn", 1)):
        failures.append(("SARIF1007", "error", f"{where}: endColumn before startColumn"))
    return failures


def _check_results(run: Log, rules: List[Log]) -> List[Failure]:
    failures: List[Failure] = []
    ids = {rule.get("id") for rule in rules}
    for index, result in enumerate(run.get("results") or []):
        where = f"results/{index}"
        rule_ref = result.get("rule") or {}
        if result.get("ruleId") is None and rule_ref.get("id") is None:
            failures.append(("SARIF1010", "error", f"{where}: no ruleId"))
        elif rule_ref.get("id") not in (None, result.get("ruleId")):
            failures.append(("SARIF1010", "error", f"{where}: ruleId and rule.id differ"))
        if rule_ref:
            failures.append(("SARIF2004", "warning", f"{where}: prefer ruleId to rule"))
        rule_index = result.get("ruleIndex")
        if rule_index == -1:
            failures.append(("SARIF2004", "warning", f"{where}: sentinel ruleIndex -1"))
        elif rule_index is not None and not 0 <= rule_index < len(rules):
            failures.append(("SARIF1009", "error", f"{where}: ruleIndex out of rules"))
        elif rule_index is None and result.get("ruleId") not in ids:
            failures.append(("SARIF2012", "note", f"{where}: no metadata for its rule"))
        # The multitool compares ruleId with rule.id; SARIF §3.27.6 asks the same of ruleIndex.
        if rule_index is not None and 0 <= rule_index < len(rules) and (
                rules[rule_index].get("id") != result.get("ruleId")):
            failures.append(("SARIF1010", "error", f"{where}: ruleIndex names another rule"))
        message_id = (result.get("message") or {}).get("id")
        if message_id is not None and not any(
                message_id in (rule.get("messageStrings") or {}) for rule in rules):
            failures.append(("SARIF1012", "error", f"{where}: message id without its string"))
        target = (result.get("analysisTarget") or {}).get("uri")
        for place_index, place in enumerate(result.get("locations") or []):
            physical = place.get("physicalLocation")
            if physical is None:
                continue
            place_at = f"{where}/locations/{place_index}"
            uri = (physical.get("artifactLocation") or {}).get("uri")
            if target is not None and uri == target:
                failures.append(("SARIF2004", "warning", f"{where}: analysisTarget repeats it"))
            if "region" not in physical:
                failures.append(("SARIF2017", "warning", f"{place_at}: no region"))
            else:
                failures += _check_region(physical["region"], place_at)
                if not any(k in physical["region"] for k in
                           ("startLine", "charOffset", "byteOffset")):
                    failures.append(("SARIF2017", "warning", f"{place_at}: region without lines"))
            if "contextRegion" in physical and "region" not in physical:
                failures.append(("SARIF1008", "error", f"{place_at}: contextRegion alone"))
    return failures


def _check_messages(run: Log) -> List[Failure]:
    """SARIF2001 checks ``messageStrings`` in today's multitool; its description asks the
    same of plain-text result messages, so these are held to it too."""
    return [("SARIF2001", "warning", f"{where}: message does not end with a period")
            for where, message in _messages(run)
            if message.get("text") and not message["text"].endswith(".")]


def loud(failures: List[Failure]) -> List[Failure]:
    """What the multitool would print as errors or warnings."""
    return [failure for failure in failures if failure[1] in ("error", "warning")]


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Log:
    tree = tmp_path_factory.mktemp("sarif")
    write(tree, "src/app.py", HARD_CODED)
    write(tree, "src/with space/é.py", HARD_CODED)  # escaped in the URI
    write(tree, "notes.ipynb", json.dumps(NOTEBOOK))
    write(tree, "src/broken.py", BROKEN)
    out = run_cli("check", "--format", "sarif", "--output", "out.sarif", cwd=tree, check_code=2)
    assert out.stdout == ""
    document: Log = json.loads((tree / "out.sarif").read_text(encoding="utf-8"))
    return document


def test_the_log_is_valid_and_draws_no_error_warning_or_note(log: Log) -> None:
    jsonschema.validate(log, json.loads(SCHEMA.read_text(encoding="utf-8")))
    results = log["runs"][0]["results"]
    assert len(results) == 3 and log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results] == [
        "notes.ipynb", "src/app.py", "src/with%20space/%C3%A9.py"]
    assert check_log(log) == []


def test_every_rule_has_an_absolute_help_uri_to_its_page(log: Log) -> None:
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert rules and all(rule["helpUri"].startswith("https://github.com/lint-creds/lint-creds/"
                                                    "blob/main/docs/rules/") for rule in rules)
    for rule in rules:
        assert (pathlib.Path(__file__).parent.parent / "docs" / "rules"
                / rule["helpUri"].rsplit("/", 1)[1]).is_file()


def _delete(*path: Any) -> Callable[[Log], None]:
    def change(log: Log) -> None:
        node = log
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return change


def _set(value: Any, *path: Any) -> Callable[[Log], None]:
    def change(log: Log) -> None:
        node = log
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return change


RUN = ("runs", 0)
DRIVER = (*RUN, "tool", "driver")
RESULT = (*RUN, "results", 1)
PLACE = (*RESULT, "locations", 0, "physicalLocation")


@pytest.mark.parametrize("change, expected", [
    pytest.param(_delete("$schema"), {"SARIF2008"}, id="no-schema"),
    pytest.param(_set("https://example.com/sarif-2.1.0-rtm.4.json", "$schema"), {"SARIF1011"},
                 id="draft-schema"),
    pytest.param(_set("schemas/sarif-schema-2.1.0.json", "$schema"), {"SARIF1005"},
                 id="relative-schema"),
    pytest.param(_delete(*DRIVER, "informationUri"), {"SARIF2005"}, id="no-information-uri"),
    pytest.param(_set("lint creds the credential linter", *DRIVER, "name"), {"SARIF2005"},
                 id="long-tool-name"),
    pytest.param(lambda log: [_delete(*DRIVER, key)(log) for key in ("version",
                                                                     "semanticVersion")],
                 {"SARIF2005"}, id="no-version"),
    pytest.param(_set("v0.1", *DRIVER, "version"), {"SARIF2005"}, id="non-numeric-version"),
    pytest.param(_set("CRD101", *DRIVER, "rules", 0, "name"), {"SARIF1001"}, id="id-as-name"),
    pytest.param(_set({"default": {"text": "no period"}}, *DRIVER, "rules", 0,
                      "messageStrings"), {"SARIF2001"}, id="message-string-without-period"),
    pytest.param(_set({"text": "no period"}, *RESULT, "message"), {"SARIF2001"},
                 id="result-message-without-period"),
    pytest.param(lambda log: log["runs"][0]["tool"]["driver"].update(
        rules=[{"id": r["id"]} for r in log["runs"][0]["tool"]["driver"]["rules"]]),
        {"SARIF2004"}, id="id-only-rules"),
    pytest.param(_set(-1, *RESULT, "ruleIndex"), {"SARIF2004"}, id="sentinel-rule-index"),
    pytest.param(_set({"id": "CRD101"}, *RESULT, "rule"), {"SARIF2004"}, id="rule-object"),
    pytest.param(_set(99, *RESULT, "ruleIndex"), {"SARIF1009"}, id="rule-index-out-of-range"),
    pytest.param(_set(1, *RESULT, "ruleIndex"), {"SARIF1010"}, id="rule-index-elsewhere"),
    pytest.param(_delete(*RESULT, "ruleId"), {"SARIF1010"}, id="no-rule-id"),
    pytest.param(_set({"id": "default", "arguments": []}, *RESULT, "message"), {"SARIF1012"},
                 id="message-id-without-strings"),
    pytest.param(_delete(*PLACE, "region"), {"SARIF2017"}, id="no-region"),
    pytest.param(_set({"startLine": 3, "startColumn": 9, "endColumn": 2}, *PLACE, "region"),
                 {"SARIF1007"}, id="end-column-first"),
    pytest.param(_set({"startLine": 3, "endLine": 2}, *PLACE, "region"), {"SARIF1007"},
                 id="end-line-first"),
    pytest.param(_set({"snippet": {"text": "x"}}, *PLACE, "region"),
                 {"SARIF1007", "SARIF2017"},
                 id="region-without-position"),
    pytest.param(_set("file:///tmp/app.py", *PLACE, "artifactLocation", "uri"), {"SARIF1004"},
                 id="base-id-with-absolute-uri"),
    pytest.param(_set("/src/app.py", *PLACE, "artifactLocation", "uri"), {"SARIF1004"},
                 id="relative-uri-with-slash"),
    pytest.param(_set("src/with space.py", *PLACE, "artifactLocation", "uri"), {"SARIF1002"},
                 id="unescaped-uri"),
    pytest.param(_set({"uri": "sarif:/runs/0/results/9"}, *PLACE, "artifactLocation"),
                 {"SARIF1013"}, id="dangling-sarif-reference"),
    pytest.param(_set({"uri": "file:///tmp/root"}, *RUN, "originalUriBaseIds", "%SRCROOT%"),
                 {"SARIF1004"}, id="base-without-trailing-slash"),
    pytest.param(_set({"uri": "src/"}, *RUN, "originalUriBaseIds", "%SRCROOT%"),
                 {"SARIF1004"}, id="relative-base"),
    pytest.param(_set("docs/rules/CRD101.md", *DRIVER, "rules", 0, "helpUri"), {"SARIF1005"},
                 id="relative-help-uri"),
    pytest.param(_set({"uri": "src/app.py"}, *RESULT, "analysisTarget"), {"SARIF2004"},
                 id="analysis-target-repeats-location"),
])
def test_each_check_catches_its_mistake(log: Log, change: Callable[[Log], None],
                                        expected: Set[str]) -> None:
    broken = copy.deepcopy(log)
    change(broken)
    assert {rule for rule, _, _ in loud(check_log(broken))} == expected


@pytest.mark.parametrize("change, expected", [
    pytest.param(_delete(*DRIVER, "rules", 2, "helpUri"), {"SARIF2012"}, id="no-help-uri"),
    pytest.param(_set("CRD/101", *DRIVER, "rules", 0, "id"), {"SARIF2009"}, id="hierarchical-id"),
    pytest.param(_set({"uri": "file:///elsewhere/app.py"}, *PLACE, "artifactLocation"),
                 {"SARIF2016"}, id="absolute-file-uri"),
])
def test_the_honoured_notes_can_fail(log: Log, change: Callable[[Log], None],
                                     expected: Set[str]) -> None:
    broken = copy.deepcopy(log)
    change(broken)
    assert expected <= {rule for rule, level, _ in check_log(broken) if level == "note"}
