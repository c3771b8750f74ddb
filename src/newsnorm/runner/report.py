"""The run report: the same figures for the terminal and for Prefect's markdown artifact."""

from __future__ import annotations

from newsnorm.runner.execute import RunSummary


def report_rows(s: RunSummary) -> list[tuple[str, str]]:
    secs = max(s.seconds, 1e-9)
    processed = s.articles_written + s.files_quarantined
    rows = [
        ("run", s.run_id),
        ("warehouse", s.warehouse),
        ("files", f"{s.files_seen} seen: {s.files_new} new, {s.files_changed} changed, "
                  f"{s.files_unchanged} unchanged, {s.files_backfilled} backfilled, "
                  f"{s.files_quarantined} quarantined" + (f", {s.files_removed} removed" if s.files_removed else "")
                  + (f", {s.files_failed} in failed batches" if s.files_failed else "")),
        ("articles", f"{s.articles_written} written ({s.segments_written} segments)"),
        *([("records", f"{s.records_read} read from containers: {s.records_unchanged} unchanged"
                       + "".join(f", {n} {k.removeprefix('warc_')}" for k, n in sorted(s.records_skipped.items()))
                       + " skipped" * bool(s.records_skipped))]
          if s.records_read or s.records_skipped else []),
        ("languages", ", ".join(f"{k} {v}" for k, v in sorted(s.langs.items(), key=lambda kv: (-kv[1], kv[0])))
         or "-"),
        ("translations", ", ".join(f"{k} {v}" for k, v in sorted(s.translations.items())) or "-"),
        ("missing model", ", ".join(f"{k} {v}" for k, v in sorted(s.missing_models.items())) or "-"),
        ("argos", _argos_row(s)),
        ("langdetect", f"{s.lines_langdetect} of {s.lines_langid} lines"),
        ("time", f"{s.seconds:.2f} s, {processed / secs:.1f} files/s"),
        ("status", s.status),
    ]
    return rows


def _argos_row(s: RunSummary) -> str:
    t = s.translation
    if not (t.texts or t.counts["cache"]):
        return "-"
    return (f"{t.texts} text(s) in {t.calls} CTranslate2 call(s), {t.counts['cache']} segment(s) from the cache, "
            f"{s.cache_stored} cached now" + "".join(f"; {lang} via pivot {r}" for lang, r in sorted(t.routes.items())))


def markdown_report(s: RunSummary) -> str:
    lines = ["# newsnorm run report", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in report_rows(s)]
    if s.quarantined:
        lines += ["", "## Quarantined", ""] + [f"- `{p}`: {why}" for p, why in s.quarantined[:50]]
    if s.warnings:
        lines += ["", "## Warnings", ""] + [f"- {w}" for w in s.warnings]
    return "\n".join(lines) + "\n"


def print_summary(s: RunSummary, console) -> None:
    """One screen: aligned `key  value` lines (greppable, no wrapping tables)."""
    from rich.markup import escape

    width = max(len(k) for k, _ in report_rows(s))
    for k, v in report_rows(s):
        console.print(f"[bold]{k:<{width}}[/]  {escape(v)}", soft_wrap=True)
    for path, why in s.quarantined[:10]:
        console.print(f"[yellow]quarantined[/] {escape(path)}: {escape(why)}", soft_wrap=True)
    if len(s.quarantined) > 10:
        console.print(f"[yellow]... and {len(s.quarantined) - 10} more quarantined[/]")
    for w in s.warnings:
        console.print(f"[yellow]warning[/] {escape(w)}", soft_wrap=True)
