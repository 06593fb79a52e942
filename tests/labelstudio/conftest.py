"""Samples for the Label Studio tests: made by hand, small, and holding every awkward case
(emoji before entities, XML specials in names, all keypoint visibilities, a missing value);
and a real Label Studio server, started once per session from `.venv-labelstudio`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from synthlab.samples.image import ImageSample, Keypoint, ObjectLabel
from synthlab.samples.text import EntitySpan, TextSample
from synthlab.samples.timeseries import EventLabel, Segment, TimeseriesSample

# Label Studio's own end-to-end test ("Should calculate offsets by code points in text")
EMOJI_TEXT = "🐱 Warning: This is a test text"
CRATE = 'R&D "crate"'  # every XML special a name can hold


def make_text_sample(index: int = 0) -> TextSample:
    text = EMOJI_TEXT + " for 👍🏽 Zoë <b>&</b>"
    spans = (
        EntitySpan(21, 25, "TEST", "test"),
        EntitySpan(38, 41, CRATE, "Zoë"),
    )
    assert all(text[s.start : s.end] == s.text for s in spans)
    return TextSample(index=index, text=text, spans=spans, classes=("info", "<odd>"))


def make_image_sample(index: int = 0) -> ImageSample:
    pixels = np.full((24, 32, 3), 60, np.uint8)
    instances = np.zeros((24, 32), np.uint16)
    instances[2:10, 3:15] = 1
    instances[12:22, 18:30] = 2
    instances[15, 20] = 0  # a hole: masks are not boxes
    keypoints = (
        Keypoint("tip", 5.5, 3.25, 2),
        Keypoint("heel", 14.0, 9.0, 1),  # occluded: labeled where it is
        Keypoint("tail", -4.0, 30.0, 0),  # outside the image
    )
    objects = (
        ObjectLabel(1, "forklift", (3.0, 2.0, 12.0, 8.0), keypoints=keypoints),
        ObjectLabel(2, CRATE, (18.0, 12.0, 12.0, 10.0)),
    )
    return ImageSample(
        index=index, image=pixels, objects=objects, instance_mask=instances, classes=("indoor",)
    )


def make_series_sample(index: int = 0) -> TimeseriesSample:
    rows = 60
    values = np.stack([np.sin(np.arange(rows) / 5), np.cos(np.arange(rows) / 7)], axis=1)
    values[30, 1] = np.nan  # a dropped value
    events = (
        EventLabel(1, "spike", "spike", ("ax",), 10, 13),
        EventLabel(2, "fall", "fall", ("ax", "ay"), 40, 41, phase="impact"),
    )
    return TimeseriesSample(
        index=index,
        channels=("ax", "ay"),
        units=("g", "g"),
        rate_hz=20.0,
        length=rows,
        grid_index=np.arange(rows),
        values=values,
        events=events,
        segments=(Segment("walking", 0, 30), Segment("sitting", 30, rows)),
    )


@pytest.fixture
def text_sample() -> TextSample:
    return make_text_sample()


@pytest.fixture
def image_sample() -> ImageSample:
    return make_image_sample()


@pytest.fixture
def series_sample() -> TimeseriesSample:
    return make_series_sample()


# -- a real Label Studio -----------------------------------------------------------------------

LS_VENV = Path(__file__).resolve().parents[2] / ".venv-labelstudio"
EMAIL = "synthlab@example.com"
PASSWORD = "synthlab-test-password"
TOKEN = "synthlab-test-token-0123456789"
START_TIMEOUT = 900  # seconds; migrating an empty database (no template) takes minutes


@dataclass(frozen=True)
class LabelStudio:
    """A running server and its one user, spoken to through the REST API (token auth)."""

    url: str
    email: str
    password: str
    token: str

    def api(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=300) as answer:
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")[:3000]
            raise AssertionError(f"{method} {path}: HTTP {error.code}: {detail}") from None

    def project(self, title: str, config: str) -> int:
        created = self.api("POST", "/api/projects", {"title": title, "label_config": config})
        return int(created["id"])

    def import_tasks(self, project: int, tasks: list[dict[str, Any]]) -> list[int]:
        answer = self.api("POST", f"/api/projects/{project}/import?return_task_ids=true", tasks)
        assert answer["task_count"] == len(tasks), answer
        return [int(i) for i in answer["task_ids"]]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/health", timeout=5) as answer:
            return answer.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabelStudio]:
    """Label Studio on 127.0.0.1 (a free port) with sqlite in a temporary data folder, its
    user and API token made on the command line; stopped when the session ends."""
    program = LS_VENV / "bin" / "label-studio"
    if not program.exists():
        pytest.skip(f"no Label Studio at {program}: run scripts/setup.sh (it makes it)")
    data = tmp_path_factory.mktemp("label-studio-data")
    template = LS_VENV / "template" / "label_studio.sqlite3"
    if template.exists():  # the schema built by setup.sh; without it the server migrates
        shutil.copyfile(template, data / "label_studio.sqlite3")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LABEL_STUDIO_", "HOST"))}
    env.update(
        LABEL_STUDIO_BASE_DATA_DIR=str(data),
        LATEST_VERSION_CHECK="false",  # no call to PyPI
        SENTRY_DSN="",
        FRONTEND_SENTRY_DSN="",
        # refuse (HTTP 400) predictions that do not fit the project's config, instead of
        # storing them with an error in the log: a config missing a label fails the test
        fflag_feat_utc_210_prediction_validation_15082025="true",
    )
    log = data / "server.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [
                str(program),
                "start",
                "--no-browser",
                "--internal-host=127.0.0.1",
                f"--port={port}",
                f"--username={EMAIL}",
                f"--password={PASSWORD}",
                f"--user-token={TOKEN}",
                "--enable-legacy-api-token",  # "Token <key>" auth, the key given above
            ],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = LabelStudio(f"http://127.0.0.1:{port}", EMAIL, PASSWORD, TOKEN)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _up(server.url):
            tail = log.read_text(errors="replace")[-3000:]
            assert process.poll() is None, f"Label Studio exited:\n{tail}"
            assert time.monotonic() < deadline, f"Label Studio not up in time:\n{tail}"
            time.sleep(1)
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # its own process group (start_new_session)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
