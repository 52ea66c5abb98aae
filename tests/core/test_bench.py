"""The logic of make bench that decides whether a run can be trusted (issue #20)."""

import json

import pytest

from apps.core import bench

NO_ERRORS = {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}


def _result(name="region", *, requests=100, statuses=None, errors=None, **scenario):
    wrk_line = {
        "requests": requests,
        "duration_us": 10_000_000,
        "p50": 10_000,
        "p95": 20_000,
        "p99": 30_000,
        "errors": {
            "connect": 0,
            "read": 0,
            "write": 0,
            "status": 0,
            "timeout": 0,
            **(errors or {}),
        },
        "statuses": {str(k): v for k, v in (statuses or {200: requests}).items()},
        "followed": scenario.pop("followed", 0),
    }
    stdout = "Running 10s test\nBENCH " + json.dumps(wrk_line) + "\n"
    return bench.parse_wrk(bench.Scenario(name, [("GET", "/", "")], **scenario), stdout)


def test_a_scenario_without_answers_fails():
    result = _result(requests=0, statuses={})
    assert result.failure == "no answers at all"


def test_answers_other_than_the_expected_ones_fail_the_scenario():
    result = _result(statuses={200: 90, 500: 7, 404: 3})
    assert result.failure == "unexpected answers: 3 × 404, 7 × 500"
    # wrk's own count of statuses of 400 or more is not reported twice.
    assert not _result(statuses={200: 100}, errors={"status": 0}).failure


def test_a_search_answers_303_and_its_results_page_200():
    ok = _result("search", statuses={303: 50, 200: 50}, expect=(303,), follow=True, followed=50)
    assert not ok.failure
    assert ok.actions == 50  # a search and its results page are one visitor action
    not_followed = _result("search", statuses={200: 100}, expect=(303,))
    assert "100 × 200" in not_followed.failure


def test_timeouts_fail_the_scenario():
    assert _result(errors={"timeout": 4}).failure == "errors: timeout 4"


def test_wrk_without_its_summary_line_is_an_error():
    with pytest.raises(bench.BenchError):
        bench.parse_wrk(bench.Scenario("x", []), "wrk: connection refused\n")


def test_cpu_per_answer_and_its_ratio_to_the_trivial_view():
    trivial = _result("trivial", requests=1000)
    trivial.cpu_web, trivial.cpu_db = 1.0, 0.0
    region = _result("region", requests=500)
    region.cpu_web, region.cpu_db = 1.5, 0.5
    assert region.cpu_ms_per_action() == pytest.approx(4.0)
    row = bench.table([trivial, region], trivial).splitlines()[-1]
    assert "4.00 (3.00 + 1.00)" in row
    assert "| 4.0 |" in row  # four times the trivial view's CPU per answer
    failed = _result("api", requests=0, statuses={})
    assert "**FAILED: no answers at all**" in bench.table([trivial, failed], trivial)


def test_cpu_of_processes_born_or_gone_during_a_run():
    start = {"web": {1: 10.0, 2: 5.0}, "db": {7: 1.0}}
    end = {"web": {1: 10.5, 2: 6.0, 3: 0.25}, "db": {8: 0.5}}
    assert bench.CpuMeter.spent(start, end) == (1.75, 0.5)


def test_cpu_meter_reads_proc(tmp_path):
    def process(pid, ppid, utime, stime, cmdline):
        folder = tmp_path / str(pid)
        folder.mkdir()
        fields = ["S", str(ppid)] + ["0"] * 9 + [str(utime), str(stime)] + ["0"] * 20
        (folder / "stat").write_text(f"{pid} (a (strange) name) " + " ".join(fields))
        (folder / "cmdline").write_bytes(cmdline.replace(" ", "\0").encode())

    ticks = bench.CLOCK_TICKS
    process(100, 1, ticks, ticks, "gunicorn master")
    process(101, 100, 3 * ticks, 0, "gunicorn worker")
    process(200, 2, 2 * ticks, 0, "postgres: 15/main: postgres waymark_bench 127.0.0.1(5) idle")
    process(201, 2, 9 * ticks, 0, "postgres: 15/main: postgres waymark_other 127.0.0.1(6) idle")
    process(202, 2, 9 * ticks, 0, "postgres: checkpointer")
    (tmp_path / "self").mkdir()
    sample = bench.CpuMeter(100, "waymark_bench", proc=tmp_path).sample()
    assert sample == {"web": {100: 2.0, 101: 3.0}, "db": {200: 2.0}}


def test_waiting_for_the_server_to_drain(monkeypatch):
    monkeypatch.setattr(bench.time, "sleep", lambda seconds: None)
    # Busy for three more samples (queued requests), then idle.
    readings = iter([0.0, 0.2, 0.4, 0.6, 0.6, 0.6, 0.6])
    bench.wait_until_idle(lambda: next(readings))
    with pytest.raises(StopIteration):
        next(readings)  # every reading was needed: it did not start early


def test_a_server_that_never_drains_stops_the_run(monkeypatch):
    monkeypatch.setattr(bench.time, "sleep", lambda seconds: None)
    clock = iter(range(0, 10_000, 10))
    monkeypatch.setattr(bench.time, "monotonic", lambda: next(clock))
    busy = iter(range(1000))
    with pytest.raises(bench.BenchError, match="still busy"):
        bench.wait_until_idle(lambda: float(next(busy)), timeout=60)


def test_the_wrk_script_follows_redirects_only_when_asked():
    search = bench.Scenario("search", [("POST", "/en/find/", "q=a")], follow=True)
    assert "local follow = true" in bench.lua_script(search, "https://127.0.0.1")
    page = bench.Scenario("region", [("GET", "/en/r/fr/", "")])
    assert "local follow = false" in bench.lua_script(page, "https://127.0.0.1")


def test_percentile_of_a_few_values():
    assert bench.percentile([], 0.95) == 0
    assert bench.percentile([5, 1, 3, 2, 4], 0.5) == 3
    assert bench.percentile(list(range(1, 21)), 0.95) == 19
