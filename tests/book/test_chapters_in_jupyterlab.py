"""In a real JupyterLab: a chapter opens as a notebook on double-click, and opening changes no file.

- The notebooks' kernel and language metadata are what the course's ``python3`` kernel reports (its
  kernelspec's display name, its ``kernel_info`` reply): JupyterLab writes those into a notebook when
  its kernel starts, and marks the notebook modified when they differ.
- A JupyterLab server (127.0.0.1, token, a temporary root holding copies of a chapter and an exercise,
  the course's settings from ``jupyterlab-settings/`` in its overrides.d, as ``make setup`` installs
  them) opened in headless Chromium: double-clicks in the file browser open the chapter as a notebook;
  the exercise is not marked modified once its kernel is idle; after Ctrl+S both files are byte-identical
  to the repository's.

Without ``/usr/bin/chromium`` the browser test is skipped, except when ``$CI`` is set: then it fails.
"""

from __future__ import annotations

import json
import shutil
import time

import nbformat
import pytest
from support.book_paths import REPO
from support.jupyterlab import running_jupyterlab

pytestmark = [pytest.mark.kernel]

CHAPTER = "book/lecture/02-four-steps.md"
EXERCISE = "exercises/01-output-size/output_size.ipynb"
NOTEBOOKS = sorted(path for folder in ("exercises", "solutions") for path in (REPO / folder).glob("*/*.ipynb"))


@pytest.fixture(scope="module")
def python3_kernel():
    """The python3 kernelspec's display name and the language_info its kernel reports."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        client.kernel_info()
        reply = client.get_shell_msg(timeout=60)
        return manager.kernel_spec.display_name, reply["content"]["language_info"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: f"{path.parent.parent.name}/{path.parent.name}")
def test_a_notebook_names_its_kernel_as_the_kernel_reports_itself(path, python3_kernel):
    display_name, language_info = python3_kernel
    metadata = nbformat.read(path, as_version=4).metadata
    assert metadata.kernelspec == {"name": "python3", "display_name": display_name, "language": "python"}
    written = dict(metadata.language_info)
    # the patch version is the one of the Python the course is tested with (JupyterLab writes the kernel's own)
    assert written.pop("version").split(".")[:2] == language_info["version"].split(".")[:2]
    assert written == {key: value for key, value in language_info.items() if key != "version"}


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """A JupyterLab server with the course's settings whose root holds copies of the chapter and the exercise."""
    root = tmp_path_factory.mktemp("jupyterlab-open")
    for relative in (CHAPTER, EXERCISE):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / relative, root / relative)
    app_settings = root / ".app-settings" / "overrides.d"
    shutil.copytree(REPO / "jupyterlab-settings", app_settings)
    settings = root / ".settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    config = root / ".config" / "labconfig"
    config.mkdir(parents=True)
    (config / "page_config.json").write_text(json.dumps({"disabledExtensions": {"@jupyter/nbgrader": True}}))
    extra = [f"--LabApp.app_settings_dir={app_settings.parent}", "--ServerApp.jpserver_extensions=jupyter_lsp=False"]
    with running_jupyterlab(root, config.parent, extra, "open-test") as (url, token):
        yield root, f"{url}/lab?token={token}&reset"


def open_by_double_clicks(page, relative):
    page.locator(".jp-BreadCrumbs-home").first.click()
    for part in relative.split("/"):
        item = page.locator(f'.jp-DirListing-item[title^="Name: {part}"]').first
        item.wait_for(timeout=30_000)
        item.dblclick()
    name = relative.split("/")[-1]
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=name).first
    tab.wait_for(timeout=30_000)
    return tab


@pytest.mark.jupyterlab
@pytest.mark.browser
@pytest.mark.timeout(400)
def test_a_chapter_opens_as_a_notebook_and_opening_changes_no_file(jupyterlab, browser):
    root, url = jupyterlab
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url, timeout=60_000)
    page.wait_for_selector(".jp-DirListing-item", timeout=90_000)
    for relative in (EXERCISE, CHAPTER):
        tab = open_by_double_clicks(page, relative)
        panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        panel.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)  # a notebook, not a text editor
        page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) "
                               ".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
        time.sleep(3)  # the kernel's info has reached the notebook's metadata
        if relative == EXERCISE:
            assert "jp-mod-dirty" not in (tab.get_attribute("class") or ""), f"{relative} is marked modified"
        page.keyboard.press("Control+s")
        page.wait_for_function(
            "name => !Array.from(document.querySelectorAll('.lm-TabBar-tab.jp-mod-dirty'))"
            ".some(tab => tab.innerText.includes(name))", arg=relative.split("/")[-1], timeout=30_000)
        time.sleep(1)
        assert (root / relative).read_bytes() == (REPO / relative).read_bytes(), f"{relative} was rewritten"
