"""notebooks/prompt_iteration: runs top to bottom on its cassette, and its .py and .ipynb hold the same cells.

The run test replays cassettes/notebook/prompt_iteration.yaml in a real kernel: no network, no model. A missing
cassette is a failure, not a skip: record it with RECORD_COMMAND (notebooks/README.md).
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
NOTEBOOK = NOTEBOOKS / "prompt_iteration.ipynb"
SCRIPT = NOTEBOOKS / "prompt_iteration.py"
CASSETTE = ROOT / "cassettes" / "notebook" / "prompt_iteration.yaml"
RECORD_COMMAND = (
    ".venv/bin/extractor local start && "
    "NOTEBOOK_MODE=record EXTRACTOR_RECORD_BASE_URL=$(.venv/bin/extractor local status --url) "
    ".venv/bin/jupyter-execute notebooks/prompt_iteration.ipynb"
)
CELL_TIMEOUT_S = 120


@pytest.mark.notebook
def test_notebook_runs_on_its_cassette(monkeypatch: pytest.MonkeyPatch) -> None:
    if not CASSETTE.is_file():
        pytest.fail(
            f"missing cassette {CASSETTE.relative_to(ROOT)}: record it from the repository root with\n"
            f"    {RECORD_COMMAND}\n(notebooks/README.md, 'Recording the cassette')",
            pytrace=False,
        )
    monkeypatch.setenv("NOTEBOOK_MODE", "replay")  # the kernel inherits this process's environment
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # Kernel "python3" runs sys.executable (jupyter_client swaps it in for the spec's "python"): this venv.
    client = NotebookClient(
        notebook, timeout=CELL_TIMEOUT_S, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()  # raises CellExecutionError, with the cell and its traceback, if any cell fails


def test_script_and_notebook_are_in_sync() -> None:
    script = jupytext.read(SCRIPT)
    notebook = nbformat.read(NOTEBOOK, as_version=4)

    def cells(nb: nbformat.NotebookNode) -> list[tuple[str, str, list[str]]]:
        return [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in nb.cells]

    assert cells(script) == cells(notebook), (
        "notebooks/prompt_iteration.py and .ipynb differ: edit the .py, then run "
        ".venv/bin/jupytext --sync notebooks/prompt_iteration.py"
    )
    assert notebook.metadata.get("jupytext", {}).get("formats") == "ipynb,py:percent"
    assert not any(c.get("outputs") or c.get("execution_count") for c in notebook.cells if c.cell_type == "code"), (
        "commit the .ipynb without outputs: .venv/bin/jupytext --to ipynb notebooks/prompt_iteration.py"
    )
