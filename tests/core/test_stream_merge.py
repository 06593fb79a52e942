"""Finalize merges record streams as raw blocks: the same bytes as line by line."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from synthlab.engine.finalize import _Sink, read_shard_records
from synthlab.engine.shard import STATE_DIR, ShardTask, ShardWriter
from synthlab.exporters.base import Layout


def test_stream_bytes_are_the_lines_of_every_shard_in_order(tmp_path: Path) -> None:
    lines = {0: ["ä €", "x" * 5000, "{}"], 3: ["😀\u2028tab\there", ""], 5: ["last"]}
    for first, chunk in lines.items():
        task = ShardTask(range(first, first + len(chunk)))
        writer = ShardWriter(tmp_path, task.shard_id)
        for line in chunk:
            writer.record("s.jsonl", line)
        writer.commit(task, conditions=Counter(), seconds=0.0)
    records = read_shard_records(tmp_path / STATE_DIR)
    sink = _Sink(tmp_path, Layout(10), recipe=None, records=records)
    expected = "".join(f"{line}\n" for chunk in lines.values() for line in chunk)
    assert b"".join(sink.stream_bytes("s.jsonl")).decode("utf-8") == expected
    assert list(sink.iter_stream("s.jsonl")) == [line for chunk in lines.values() for line in chunk]
