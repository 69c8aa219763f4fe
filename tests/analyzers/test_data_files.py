"""Personal data in datasets: bounded samples, redaction, Parquet with and without pyarrow."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mlsec_policy.analyzers.base import AnalyzerError, FileContext
from mlsec_policy.analyzers.data_files import SPEC, personal_data
from mlsec_policy.analyzers.patterns.pii import Confidence, PiiKind, find_pii, iban_valid, luhn
from mlsec_policy.models import Artifact, ArtifactKind
from tests.conftest import write_tree


def _scan(root: Path, path: str, **params: int | str) -> list[tuple[str | None, int | None, str]]:
    artifact = Artifact(path, ArtifactKind.DATA_FILE, (root / path).stat().st_size)
    return [
        (o.key, o.location.start_line, o.message or "")
        for o in personal_data(FileContext(root, artifact), SPEC.parse_params(dict(params)))
    ]


def test_sample_is_bounded_by_rows(tmp_path: Path) -> None:
    rows = "".join(f"{i},x\n" for i in range(5000)) + "9999,late@corp-mail.com\n"
    write_tree(tmp_path, {"d.csv": "id,email\n" + rows})
    assert _scan(tmp_path, "d.csv", **{"max-rows": 100}) == []
    found = _scan(tmp_path, "d.csv", **{"max-rows": 10_000})
    assert [(key, line) for key, line, _ in found] == [("pii:EMAIL", 5002)]


def test_sample_is_bounded_by_bytes(tmp_path: Path) -> None:
    write_tree(tmp_path, {"d.jsonl": '{"a": 1}\n' * 2000 + '{"email": "x.y@corp-mail.com"}\n'})
    assert _scan(tmp_path, "d.jsonl", **{"max-bytes": 4096}) == []


def test_no_full_value_in_messages(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"d.csv": "name,iban,card_number\nAnna,NL06 RABO 0347 8122 65,4539148803436467\n"},
    )
    found = _scan(tmp_path, "d.csv")
    text = " ".join(message for _, _, message in found)
    assert {key for key, _, _ in found} == {"pii:IBAN", "pii:CARD"}
    for secret in ("NL06RABO0347812265", "RABO 0347", "4539148803436467", "1488"):
        assert secret not in text


def test_checksums() -> None:
    assert luhn("4539148803436467") and not luhn("4539148803436468")
    assert iban_valid("GB82WEST12345698765432") and not iban_valid("GB82WEST12345698765433")
    assert [m.kind for m in find_pii("order 4539148803436468 id")] == []
    assert [m.confidence for m in find_pii("mail ops@example.com")] == [Confidence.LOW]
    assert [m.kind for m in find_pii("1984-03-12", PiiKind.DOB)] == [PiiKind.DOB]
    assert [m.kind for m in find_pii("1984-03-12")] == []


def test_low_confidence_is_set_aside_unless_asked_for(tmp_path: Path) -> None:
    rows = "id,contact\n1,support@northwind-tools.com\n2,ann@email.com\n"
    write_tree(tmp_path, {"d.csv": rows})
    assert _scan(tmp_path, "d.csv") == []
    found = _scan(tmp_path, "d.csv", **{"min-confidence": "low"})
    assert [(key, line) for key, line, _ in found] == [("pii:EMAIL", 2)]
    assert "confidence low" in found[0][2]


def test_message_says_what_was_set_aside(tmp_path: Path) -> None:
    rows = "id,contact\n1,info@northwind-tools.com\n2,mira.holm@northwind-tools.com\n"
    write_tree(tmp_path, {"d.csv": rows})
    [(key, line, message)] = _scan(tmp_path, "d.csv")
    assert (key, line) == ("pii:EMAIL", 3)
    assert "1 × e-mail address (confidence medium" in message
    assert "1 more set aside as not personal (role, list or system mailbox)" in message


def test_parquet_is_sampled(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table({"user_email": ["a.b@corp-mail.com", "c@corp-mail.com"], "x": [1, 2]})
    pq.write_table(table, tmp_path / "users.parquet")
    assert [key for key, _, _ in _scan(tmp_path, "users.parquet")] == ["pii:EMAIL"]


def test_parquet_without_pyarrow_is_an_error_not_a_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the only fault faked in this file: pyarrow is a test dependency, so its absence is simulated
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    (tmp_path / "users.parquet").write_bytes(b"PAR1" + b"\0" * 16 + b"PAR1")
    with pytest.raises(AnalyzerError) as caught:
        _scan(tmp_path, "users.parquet")
    assert caught.value.kind == "dependency-missing"
    assert "pyarrow" in (caught.value.hint or "")
