"""The Prefect flow and the command line, for real: a temporary Prefect server, subprocesses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
NEWSNORM = [sys.executable, "-m", "newsnorm.cli"]


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


def test_flow_runs_in_batches_and_writes_the_warehouse(prefect_harness, tmp_path, seeds_dir):
    from prefect.artifacts import Artifact

    from newsnorm.orchestrate.flow import newsnorm_flow

    summary = newsnorm_flow(inputs=[str(seeds_dir)], warehouse=str(tmp_path / "wh"), batch_size=2)
    assert (summary.files_seen, summary.articles_written, summary.files_quarantined) == (5, 5, 0)
    rows = duckdb.sql(f"select count(*) from read_parquet('{tmp_path}/wh/articles/**/*.parquet')").fetchall()
    assert rows == [(5,)]
    runs = duckdb.sql(f"select files_seen, files_written, segments_written, translations "
                      f"from read_parquet('{tmp_path}/wh/runs/*.parquet')").fetchall()
    assert runs == [(5, 5, 149, json.dumps({"glossary": 2, "publisher": 5}))]
    artifact = Artifact.get("run-report")
    assert artifact is not None and summary.run_id in artifact.description
    assert "5 written (149 segments)" in artifact.data
    # The report's counts are the tables' counts.
    by_lang = dict(duckdb.sql(f"select lang, count(*) from read_parquet('{tmp_path}/wh/segments/**/*.parquet') "
                              "group by 1").fetchall())
    assert dict(summary.langs) == by_lang
    langs_line = next(line for line in artifact.data.splitlines() if line.startswith("| languages"))
    for lang, n in by_lang.items():
        assert f"{lang} {n}" in langs_line
    by_source = dict(duckdb.sql(
        f"select translation_source, count(*) from read_parquet('{tmp_path}/wh/segments/**/*.parquet') "
        "where lang not in ('en', 'und') and translation_source is not null group by 1").fetchall())
    assert dict(summary.translations) == by_source == {"glossary": 2, "publisher": 5}
    assert "| translations | glossary 2, publisher 5 |" in artifact.data


def _cli(args, cwd, env=None, timeout=180):
    e = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    e["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])  # this checkout, not another install
    e.update(env or {})
    return subprocess.run(NEWSNORM + args, cwd=cwd, env=e, capture_output=True, text=True, timeout=timeout)


def test_cli_run_defaults_clean_output_and_query(tmp_path):
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    (tmp_path / "seeds" / "broken.txt").write_bytes(b"\x00" * 64)
    env = {"PREFECT_HOME": str(tmp_path / "prefect-home")}
    proc = _cli(["run"], cwd=tmp_path, env=env)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    for noise in ("ERROR", "Traceback", "telemetry", "CancelledError", "database is locked"):
        assert noise not in out, out
    assert "5 written" in out and "1 quarantined" in out and "broken.txt" in out
    q = _cli(["query", "select count(*) as n from segments where lang = 'vi'", "--format", "csv"], cwd=tmp_path)
    assert q.returncode == 0 and q.stdout.strip().splitlines() == ["n", "5"], q.stderr
    again = _cli(["run"], cwd=tmp_path, env=env)
    assert again.returncode == 0 and "6 unchanged" in again.stdout, again.stdout + again.stderr


def test_cli_errors_are_one_clear_line(tmp_path):
    proc = _cli(["run", str(tmp_path / "nope")], cwd=tmp_path)
    assert proc.returncode == 2 and "input not found" in proc.stderr and "Traceback" not in proc.stderr
    q = _cli(["query", "select 1", "--warehouse", str(tmp_path / "none")], cwd=tmp_path)
    assert q.returncode == 2 and "no warehouse" in q.stderr


def test_cli_reads_containers_through_the_worker_pool(tmp_path):
    import io as _io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    inputs = tmp_path / "in"
    inputs.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").iterdir())]
    lines = [json.dumps({"key": f"k{i}", "story": t}) for i, t in enumerate(texts[:3])] + ["{not json"]
    (inputs / "day.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with (inputs / "crawl.warc.gz").open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        hh = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        page = (ROOT / "tests" / "data" / "html" / "article.html").read_bytes()
        w.write_record(w.create_warc_record("https://e.org/a", "response", payload=_io.BytesIO(page),
                                            http_headers=hh))
    env = {"PREFECT_HOME": str(tmp_path / "prefect-home")}
    bad = _cli(["run", str(inputs), "--format", "xml"], cwd=tmp_path, env=env)
    assert bad.returncode == 2 and "not a format" in bad.stderr
    proc = _cli(["run", str(inputs), "--text-field", "story", "--id-field", "key", "--workers", "2"],
                cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = duckdb.sql(f"select source_record, url from read_parquet('{tmp_path}/warehouse/articles/**/*.parquet') "
                      "order by source_path, source_record").fetchall()
    assert [r[0] for r in rows[:1]] == [0] and rows[0][1] == "https://e.org/a" and [r[0] for r in rows[1:]] == [1, 2, 3]
    q = duckdb.sql(f"select source_record, error from read_parquet('{tmp_path}/warehouse/quarantine/*.parquet')"
                   ).fetchall()
    assert len(q) == 1 and q[0][0] == 4 and q[0][1].startswith("line 4: not valid JSON")
