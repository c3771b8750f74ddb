"""run.execute without Prefect: planning, batches, failures."""

from __future__ import annotations

import shutil

import polars as pl
import pytest

from newsnorm.runner.execute import IncompleteRun, RunConfig, execute, plan_ahead
from newsnorm.runner.work import BatchResult, process_batch


def test_a_failed_batch_loses_nothing_else_and_is_retried(tmp_path, seeds_dir):
    corpus = tmp_path / "in"
    shutil.copytree(seeds_dir, corpus)
    wh = tmp_path / "wh"

    def crashing_second_batch(batches):
        for i, batch in enumerate(batches):
            if i == 1:  # what the flow yields when a worker dies under a batch
                yield BatchResult(failed=list(batch), errors=["batch failed: BrokenProcessPool: worker died"])
            else:
                yield process_batch(batch)

    cfg = RunConfig(inputs=[str(corpus)], warehouse=str(wh), batch_size=2)
    with pytest.raises(IncompleteRun, match="2 input"):
        execute(cfg, crashing_second_batch)
    assert pl.read_parquet(f"{wh}/articles/**/*.parquet").height == 3
    run = pl.read_parquet(f"{wh}/runs/*.parquet").row(0, named=True)
    assert (run["status"], run["files_failed"], run["files_written"]) == ("incomplete", 2, 3)
    again = execute(cfg)
    assert (again.files_new, again.files_unchanged, again.articles_written) == (2, 3, 2)
    assert pl.read_parquet(f"{wh}/articles/**/*.parquet").height == 5


def test_progress_reports_every_batch(tmp_path, seeds_dir):
    seen = []
    execute(RunConfig(inputs=[str(seeds_dir)], warehouse=str(tmp_path / "wh"), batch_size=2),
            progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]


def test_plan_ahead_guesses_the_new_files_without_touching_the_warehouse(tmp_path, seeds_dir):
    corpus = tmp_path / "in"
    shutil.copytree(seeds_dir, corpus)
    (corpus / "broken.txt").write_bytes(b"")
    wh = tmp_path / "wh"
    cfg = RunConfig(inputs=[str(corpus)], warehouse=str(wh))
    everything = sorted(str(p) for p in corpus.iterdir())
    assert sorted(plan_ahead(cfg)) == everything and not wh.exists()  # read-only
    execute(cfg)
    assert plan_ahead(cfg) == []  # stored, or quarantined as it still is
    (corpus / "new.txt").write_text(sorted(seeds_dir.iterdir())[0].read_text(encoding="utf-8") + "\nA new line.\n")
    assert plan_ahead(cfg) == [str(corpus / "new.txt")]
    (corpus / "broken.txt").write_text("Now a readable article.\n\nWith a body paragraph of text.\n")
    assert sorted(plan_ahead(cfg)) == [str(corpus / "broken.txt"), str(corpus / "new.txt")]
