"""`newsnorm models` and `newsnorm doctor`, in process (socket guard on) and end to end (slow)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from newsnorm.cli import main
from newsnorm.runner.execute import RunConfig, execute

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "argos"
STRAY = Path(__file__).resolve().parent / "data" / "stray_foreign.txt"
VI = FIXTURES / "translate-vi_en-fixture.argosmodel"
KO = FIXTURES / "translate-ko_en-fixture.argosmodel"


def _out(capsys) -> list[str]:
    return capsys.readouterr().out.splitlines()


def test_install_from_file_then_list(tmp_path, capsys):
    packages = tmp_path / "pk"
    assert main(["models", "install", "--from", str(VI), "--packages-dir", str(packages)]) == 0
    (line,) = _out(capsys)
    assert line.startswith("installed vi -> en (version 0.1, ") and "[TEST FIXTURE, not a translation model]" in line
    assert (packages / "translate-vi_en-fixture" / "metadata.json").is_file()
    assert main(["models", "list", "--packages-dir", str(packages)]) == 0
    out = _out(capsys)
    assert out[0] == f"packages folder: {packages}"
    assert out[1].strip().startswith("vi -> en  version 0.1  ") and str(packages / "translate-vi_en-fixture") in out[1]
    assert out[2].startswith("package index: not reachable") and "install --from FILE.argosmodel" in out[2]


@pytest.mark.parametrize("content, why", [
    (b"plain text, not a zip", "not a zip archive"),
    ("zip-without-metadata", "no <folder>/metadata.json inside"),
    ("zip-without-model", "no model/ folder"),
])
def test_install_refuses_a_file_that_is_not_a_package(tmp_path, capsys, content, why):
    bad = tmp_path / "bad.argosmodel"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        with zipfile.ZipFile(bad, "w") as zf:
            zf.writestr("pkg/README.md", "hello")
            if content == "zip-without-model":
                zf.writestr("pkg/metadata.json", json.dumps({"from_code": "vi", "to_code": "en"}))
    packages = tmp_path / "pk"
    assert main(["models", "install", "--from", str(bad), "--packages-dir", str(packages)]) == 2
    (line,) = _out(capsys)
    assert line.startswith("error ") and why in line
    assert not packages.exists() or not any(packages.iterdir())  # Argos never saw it


def test_install_by_language_offline_is_one_clear_line(tmp_path, capsys):
    assert main(["models", "install", "ko", "vi", "--packages-dir", str(tmp_path / "pk")]) == 2
    (line,) = _out(capsys)
    assert "Argos package index is not reachable" in line and "newsnorm models install --from FILE.argosmodel" in line


def test_install_by_language_from_an_index(tmp_path, capsys, monkeypatch):
    """The online path, offline: a local index (file://) whose links point at the fixture packages."""
    index = tmp_path / "index"
    index.mkdir()
    entries = [{"from_code": c, "to_code": "en", "package_version": "0.1", "type": "translate",
                "links": ["ipfs://QmNotFetchable", p.as_uri()]} for c, p in (("vi", VI), ("ko", KO))]
    (index / "index.json").write_text(json.dumps(entries), encoding="utf-8")
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", index.as_uri() + "/")
    packages = tmp_path / "pk"
    assert main(["models", "install", "ko", "vi", "--packages-dir", str(packages)]) == 0
    out = _out(capsys)
    assert sum(line.startswith("installed ") for line in out) == 2, out
    assert main(["models", "install", "vi", "ja", "--packages-dir", str(packages)]) == 2
    out = _out(capsys)
    assert out[0] == "vi -> en 0.1 is already installed" and "index has no ja->en package" in out[1]
    assert main(["models", "list", "--packages-dir", str(packages)]) == 0
    assert "index offers -> en: ko (0.1), vi (0.1)" in _out(capsys)


def test_doctor_names_each_missing_language_and_the_fix(tmp_path, capsys, install_argos_fixtures):
    packages = Path(os.environ["ARGOS_PACKAGES_DIR"])
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(STRAY, inputs / "stray.txt")
    wh = tmp_path / "wh"
    execute(RunConfig(inputs=[str(inputs)], warehouse=str(wh), packages_dir=str(packages)))
    assert main(["doctor", "--warehouse", str(wh)]) == 0
    out = "\n".join(_out(capsys))
    assert "argostranslate  1.11.0" in out and f"Argos packages in {packages}: 0" in out
    for lang, name in (("vi", "Vietnamese"), ("ko", "Korean")):
        assert (f"missing {name} ({lang}) seen in 1 segment(s) without a translation model; "
                f"fix: newsnorm models install {lang}") in out

    install_argos_fixtures("vi_en")
    (packages / "half-copied").mkdir()
    assert main(["doctor", "--warehouse", str(wh)]) == 0
    out = "\n".join(_out(capsys))
    assert "vi -> en  version 0.1" in out and "sentence splitter: spaCy pipeline inside the package (offline)" in out
    assert "Vietnamese (vi): 1 segment(s) waiting, and a package is installed now; fix: newsnorm run" in out
    assert "missing Korean (ko)" in out and "missing Vietnamese" not in out
    assert f"broken {packages / 'half-copied'}: no metadata.json" in out


def test_splitter_status_explains_what_works_offline(tmp_path):
    from newsnorm.doctor import splitter_status

    pkg = tmp_path / "p"
    (pkg / "spacy").mkdir(parents=True)
    assert splitter_status(pkg, "vi", "SPACY")[1] is True
    assert splitter_status(pkg, "vi", "DEFAULT") == (
        "spaCy pipeline inside the package (newsnorm uses it offline; Argos' own translate() "
        "needs ARGOS_CHUNK_TYPE=SPACY)", True)
    bare = tmp_path / "bare"
    bare.mkdir()
    assert splitter_status(bare, "vi", "DEFAULT") == ("MiniSBD model, downloaded at first use (fails offline)", False)
    assert splitter_status(bare, "vi", "SPACY")[1] is False


@pytest.mark.slow
def test_cli_end_to_end_install_from_files_run_query_doctor(tmp_path):
    """What a user runs, in subprocesses, with Argos' default sentence-splitting mode (no ARGOS_CHUNK_TYPE):
    the fixtures' own spaCy splitter is used, so nothing is downloaded."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_") and k != "ARGOS_CHUNK_TYPE"}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), ARGOS_PACKAGES_DIR=str(tmp_path / "pk"),
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]))  # this checkout's code

    def cli(*args: str) -> subprocess.CompletedProcess:
        proc = subprocess.run([sys.executable, "-m", "newsnorm.cli", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc

    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(STRAY, inputs / "stray.txt")
    cli("models", "install", "--from", str(VI), "--from", str(KO))
    run = cli("run", str(inputs))
    assert "translations   argos 2" in run.stdout and "2 text(s) in 2 CTranslate2 call(s)" in run.stdout, run.stdout
    for noise in ("Traceback", "ERROR"):
        assert noise not in run.stdout + run.stderr
    q = cli("query", "select lang, translation_source, text_en from segments where lang in ('vi', 'ko') order by seq",
            "--format", "csv")
    assert q.stdout.splitlines()[1:] == [
        'vi,argos,The two countries will continue negotiating next year. People in Seoul are following the talks '
        'closely.',
        'ko,argos,South Korea and the US plan to continue the cost-sharing talks. The next meeting will be held in '
        'Seoul.',
    ]
    assert "no segment is waiting for a translation model" in cli("doctor").stdout
