"""newsnorm/settings.py: the CLI's flags, the flow's parameters and RunConfig all derive from
RunSettings; every field is walked, so a setting added in one place only fails here."""

from __future__ import annotations

import inspect
from dataclasses import MISSING, fields
from typing import Annotated, get_args, get_origin

import pytest

from newsnorm import settings
from newsnorm.cli import build_parser
from newsnorm.readers.ingest import DEFAULT_MAX_BYTES
from newsnorm.runner.execute import RunConfig
from newsnorm.settings import RunSettings
from newsnorm.warehouse.store import Warehouse

FIELDS = [f.name for f in fields(RunSettings)]


def _subparser(name: str):
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "cmd")
    return sub.choices[name]


def _flow_parameters():
    from newsnorm.orchestrate.flow import newsnorm_flow

    return inspect.signature(newsnorm_flow.fn).parameters


def _pydantic_bounds(annotation) -> dict:
    if get_origin(annotation) is not Annotated:
        return {}
    out = {}
    for meta in get_args(annotation)[1].metadata:
        for key in ("ge", "le", "min_length"):
            if hasattr(meta, key):
                out[key] = getattr(meta, key)
    return out


def test_run_config_is_the_settings():
    assert RunConfig is RunSettings


@pytest.mark.parametrize("name", FIELDS)
def test_cli_flow_and_run_config_agree_on_every_setting(name):
    field = settings.setting(name)
    flow_param = _flow_parameters()[name]
    run = {a.dest: a for a in _subparser("run")._actions}
    # the flow: same default (or none), same bounds
    expected_default = inspect.Parameter.empty if field.default is MISSING else field.default
    assert flow_param.default == expected_default
    assert _pydantic_bounds(flow_param.annotation) == field.metadata["bounds"]
    # the CLI: a flag for every flagged setting, with the same default and the help text
    if field.metadata["flag"]:
        action = run[name]
        assert action.option_strings == ["--" + name.replace("_", "-")]
        assert action.default == field.default and action.help == settings.help_text(name)
    else:
        assert name == "inputs" and run[name].nargs == "*"
    # RunConfig: the same default
    if field.default is not MISSING:
        assert getattr(RunConfig(inputs=["x"]), name) == field.default


def test_the_flow_has_no_run_setting_of_its_own():
    own = set(_flow_parameters()) - set(FIELDS)
    assert own == {"max_inflight", "processes", "run_context"}  # how it runs, not what


def test_help_texts_show_the_defaults_they_describe():
    assert settings.help_text("lock_timeout").endswith("(default 60)")
    assert "(default 20 MiB)" in settings.help_text("max_bytes")
    assert "(default 200)" in settings.help_text("batch_size")
    assert "(default 500)" in settings.help_text("flush_every")


def test_defaults_agree_with_what_still_states_them_elsewhere():
    """The reader's and the lock's own defaults (used when called without a run's settings)."""
    assert settings.default("max_bytes") == DEFAULT_MAX_BYTES
    assert inspect.signature(Warehouse.locked).parameters["timeout"].default == settings.default("lock_timeout")


def test_serve_flags_share_the_run_defaults():
    serve = {a.dest: a for a in _subparser("serve")._actions}
    for name in ("warehouse", "batch_size"):
        assert serve[name].default == settings.default(name)


def test_settings_are_frozen():
    cfg = RunSettings(inputs=["x"])
    with pytest.raises(AttributeError):
        cfg.batch_size = 3  # type: ignore[misc]
