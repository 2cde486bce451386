import gc

import pytest

from crm.collector import collector_paused


@pytest.fixture
def collector_enabled():
    gc.enable()
    yield
    gc.enable()


def test_the_collector_pauses_while_the_work_runs(collector_enabled):
    with collector_paused():
        assert not gc.isenabled()


def test_the_collector_resumes_after_the_work(collector_enabled):
    with collector_paused():
        pass
    assert gc.isenabled()


def test_the_collector_resumes_after_the_last_of_overlapping_work(collector_enabled):
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()


def test_the_collector_resumes_after_work_that_failed(collector_enabled):
    with pytest.raises(ValueError), collector_paused():
        raise ValueError
    assert gc.isenabled()


def test_a_collector_paused_before_stays_paused(collector_enabled):
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()
