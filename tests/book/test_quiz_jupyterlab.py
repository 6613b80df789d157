"""The self-check questions in JupyterLab: the cell's HTML output runs its script and answers keys.

A JupyterLab server on 127.0.0.1 (a free port, a random token, its settings in a
temporary folder) opens a notebook holding one chapter's quiz cell; headless
Chromium runs the cell and answers. JupyterLab runs the script of output produced
in the session, and its notebook shortcuts (Enter, the arrow keys) must not take
the keys typed into the quiz. The fixture stops the server and its kernel.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

import jupytext
import nbformat
import pytest
import torch
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from support.book_paths import REPO
from support.browser import need_chromium

pytestmark = [pytest.mark.jupyterlab, pytest.mark.browser, pytest.mark.kernel]

CHAPTER = "book/lecture/03-parameters.md"
WAIT_MS = 240_000


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    need_chromium()
    root = tmp_path_factory.mktemp("lab")
    cell = [cell for cell in jupytext.read(REPO / CHAPTER).cells if "quiz" in cell.metadata.get("tags", [])][0]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell.source, metadata=cell.metadata)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, root / "quiz.ipynb")
    home = tmp_path_factory.mktemp("lab-home")
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    port, token = free_port(), secrets.token_hex(16)
    log = open(home / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         "--ServerApp.port_retries=0", "--allow-root", f"--IdentityProvider.token={token}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         f"--ServerApp.root_dir={root}"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, (home / "server.log").read_text()
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "JupyterLab did not start in 120 s"
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/lab/tree/quiz.ipynb?token={token}"
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def run_the_cell(page):
    """Run the notebook's cell from the toolbar's Run button and wait for the quiz it displays.

    The cell's source is collapsed (the questions' answers are in it), so the
    cell is selected through its collapsed input, not its editor. On a loaded
    machine JupyterLab may still be wiring the notebook when the kernel reports
    idle, and the click is lost: the prompt then stays "[ ]:". The button is
    pressed again until the prompt shows the cell queued or run ("[*]:" or a
    number); then the output is awaited.
    """
    deadline = time.monotonic() + WAIT_MS / 1000
    prompt = ".jp-Cell .jp-InputPrompt"
    while True:
        page.click(".jp-Cell .jp-Cell-outputWrapper, .jp-Cell", position={"x": 5, "y": 5})
        page.click("[data-command='notebook:run-cell-and-select-next']")
        try:
            page.wait_for_function(f"/\\[(\\*|\\d+)\\]/.test(document.querySelector('{prompt}').textContent)",
                                   timeout=20_000)
            break
        except PlaywrightTimeout:
            assert time.monotonic() < deadline, f"the cell never started: its prompt is {page.inner_text(prompt)!r}"
    remaining = max(1000, int((deadline - time.monotonic()) * 1000))
    try:
        page.wait_for_selector(".jp-OutputArea-output form.quiz-question", timeout=remaining)
    except PlaywrightTimeout:
        outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
        pytest.fail(f"the cell ran (prompt {page.inner_text(prompt)!r}) but showed no quiz; its output: {outputs}")


@pytest.mark.timeout(900)
def test_the_quiz_cell_works_in_jupyterlab(lab, browser):
    right = torch.nn.ConvTranspose2d(1, 1, 4, stride=2, padding=1)(torch.zeros(1, 1, 13, 13)).shape[-2]
    correct_shape = str(tuple(torch.nn.ConvTranspose2d(6, 4, kernel_size=3, groups=2).weight.shape))
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(lab, timeout=WAIT_MS)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status=idle]", timeout=WAIT_MS)
    # The answers are in the cell's source: JupyterLab shows it collapsed.
    page.wait_for_selector(".jp-Cell .jp-InputPlaceholder", state="visible", timeout=WAIT_MS)
    assert not page.locator(".jp-Cell .jp-InputArea-editor").is_visible()
    assert "correct=True" not in page.inner_text(".jp-Notebook")
    run_the_cell(page)
    page.wait_for_function("window.transposedQuizBound === true", timeout=10_000)

    qid = "quiz-size-13"
    page.fill(f"#{qid}-input", str(right + 1))
    page.press(f"#{qid}-input", "Enter")
    page.wait_for_function(f"document.querySelector('#{qid} .quiz-feedback').textContent.startsWith('Not')")
    assert page.inner_text(f"#{qid} .quiz-feedback").startswith(f"Not {right + 1}.")
    page.fill(f"#{qid}-input", str(right))
    page.press(f"#{qid}-input", "Enter")
    assert page.inner_text(f"#{qid} .quiz-feedback").startswith(f"Right: {right}.")

    qid = "quiz-groups-weight"
    options = page.locator(f"#{qid} .quiz-option label").all_inner_texts()
    target = [text.strip() for text in options].index(correct_shape)
    page.check(f"#{qid}-0")
    for _ in range(target):
        page.keyboard.press("ArrowDown")  # moves the radio selection, not the notebook's cell selection
    assert page.is_checked(f"#{qid}-{target}")
    page.keyboard.press("Enter")
    assert page.inner_text(f"#{qid} .quiz-feedback").startswith("Right.")
    assert [error for error in errors if "quiz" in error] == [], errors
