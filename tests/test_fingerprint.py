"""GitHub's primaryLocationLineHash, checked against a transcription of codeql-action's code.

The oracle below is a line-by-line JavaScript transcription of ``hash()`` in
github/codeql-action ``src/fingerprints.ts`` (the uploader's algorithm), with the ``long``
package's 64-bit arithmetic done in BigInt. It runs in the machine's Node.js, so the Python
implementation is compared with the algorithm as GitHub ships it, not with itself.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from mlsec_policy.fingerprint import line_hashes, stable_fingerprint

ORACLE = r"""
const fs = require("fs");
const text = fs.readFileSync(process.argv[2], "utf8");
const BLOCK_SIZE = 100, tab = 9, space = 32, lf = 10, cr = 13, EOF = 65535;
const MASK = (1n << 64n) - 1n, MOD = 37n;
let firstMod = 1n; for (let i = 0; i < BLOCK_SIZE; i++) firstMod = (firstMod * MOD) & MASK;
const window = Array(BLOCK_SIZE).fill(0), lineNumbers = Array(BLOCK_SIZE).fill(-1);
let hashRaw = 0n, index = 0, lineNumber = 0, lineStart = true, prevCR = false;
const hashCounts = {}, out = {};
function outputHash() {
  const hashValue = hashRaw.toString(16);
  hashCounts[hashValue] = (hashCounts[hashValue] || 0) + 1;
  out[lineNumbers[index]] = `${hashValue}:${hashCounts[hashValue]}`;
  lineNumbers[index] = -1;
}
function updateHash(current) {
  const begin = window[index]; window[index] = current;
  hashRaw = (MOD * hashRaw + BigInt(current) - firstMod * BigInt(begin)) & MASK;
  index = (index + 1) % BLOCK_SIZE;
}
function processCharacter(current) {
  if (current === space || current === tab || (prevCR && current === lf)) {
    prevCR = false; return;
  }
  if (current === cr) { current = lf; prevCR = true; } else { prevCR = false; }
  if (lineNumbers[index] !== -1) outputHash();
  if (lineStart) { lineStart = false; lineNumber++; lineNumbers[index] = lineNumber; }
  if (current === lf) lineStart = true;
  updateHash(current);
}
for (let i = 0; i < text.length; ++i) processCharacter(text.charCodeAt(i));
processCharacter(EOF);
for (let i = 0; i < BLOCK_SIZE; i++) { if (lineNumbers[index] !== -1) outputHash(); updateHash(0); }
process.stdout.write(JSON.stringify(out));
"""

SAMPLES = {
    "python": "import torch\n\n\ndef load(p):\n    return torch.load(p)\n" + "    return p\n" * 2,
    "crlf-and-tabs": "a = 1\r\n\tb = 2\r\n\r\nc = 3\rd = 4\n",
    "unicode": "name = 'café 🐍'\nx = \"日本語\"\n" + "y = 1\n" * 3,
    "long-lines": ("z" * 250 + "\n") * 3 + "short\n",
    "no-final-newline": "FROM python:3.11\nUSER app",
    "empty": "",
}


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.skip("Node.js is not installed; the codeql-action oracle cannot run")
    return found


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_line_hashes_match_codeql_action(name: str, node: str, tmp_path: Path) -> None:
    source = tmp_path / "sample.txt"
    source.write_bytes(SAMPLES[name].encode("utf-8"))
    oracle = tmp_path / "oracle.js"
    oracle.write_text(ORACLE, encoding="utf-8")
    output = subprocess.run(
        [node, str(oracle), str(source)], capture_output=True, text=True, check=True
    )
    expected = {int(line): value for line, value in json.loads(output.stdout).items()}
    assert line_hashes(SAMPLES[name]) == expected


def test_identical_lines_get_distinct_suffixes() -> None:
    hashes = line_hashes("x = 1\nx = 1\n" + "pad\n" * 100)
    assert hashes[1] != hashes[2]
    assert hashes[1].split(":")[0] != "" and hashes[1].endswith(":1")


def test_stable_fingerprint_ignores_indentation_but_not_occurrence() -> None:
    first = stable_fingerprint("check", "a.py", "torch.load(p)", 1)
    assert first == stable_fingerprint("check", "a.py", "    torch.load(p)  ", 1)
    assert first != stable_fingerprint("check", "a.py", "torch.load(p)", 2)
    assert first != stable_fingerprint("check", "b.py", "torch.load(p)", 1)


def test_asking_for_some_lines_gives_the_same_values_as_hashing_all() -> None:
    text = "a = '🐍'\n" * 3 + "b\r\n\r\nc\n" + "a = '🐍'\n" * 2
    every = line_hashes(text)
    assert line_hashes(text, [2, 7]) == {2: every[2], 7: every[7]}
    assert len(every) == 9  # eight lines and the end-of-file line the uploader also hashes
