"""The collector is paused for one file's work and always restored."""
import gc
import pathlib

import pytest

from lint_creds.engine import analyze_source
from lint_creds.engine.gc_pause import collector_paused

FIXTURES = pathlib.Path(__file__).parent.parent / "fixtures"


@pytest.fixture(autouse=True)
def collector_enabled():
    gc.enable()
    yield
    gc.enable()


def test_paused_inside_and_restored_after():
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # re-entrant: the inner block leaves it paused
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_disabled_by_the_caller_stays_disabled():
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_restored_when_the_file_does_not_parse():
    with pytest.raises(SyntaxError):
        analyze_source("def broken(:\n")
    assert gc.isenabled()


def test_restored_after_an_analysis():
    analyze_source('import boto3\nboto3.client("s3", aws_access_key_id=KEY)\n')
    assert gc.isenabled()


def test_an_analysis_leaves_no_reference_cycles():
    """The tree and the engine's structures are freed by reference counting as soon as the
    analysis ends; the collector, resumed after each file, then has nothing to walk."""
    source = (FIXTURES / "aws_session_helpers.py").read_text(encoding="utf-8")
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        assert analyze_source(source).findings
        gc.collect()
        assert gc.garbage == []
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
