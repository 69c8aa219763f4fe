"""Personal-data recognisers weigh context: each shape seen on real repositories, graded.

Every value here is synthetic. A row names the text, what kind the recogniser must report and
with which confidence — or ``None`` when the text must yield nothing of that kind at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mlsec_policy.analyzers.base import FileContext
from mlsec_policy.analyzers.notebooks.leaks import OutputLeaks, notebook_output_leaks
from mlsec_policy.analyzers.patterns.phone_plan import split_international
from mlsec_policy.analyzers.patterns.pii import Confidence, PiiKind, find_pii, severity_for
from mlsec_policy.analyzers.read.organisation import organisation
from mlsec_policy.models import Artifact, ArtifactKind, Severity
from tests.conftest import write_tree

LOW, MEDIUM, HIGH = Confidence.LOW, Confidence.MEDIUM, Confidence.HIGH


def _grades(text: str, kind: PiiKind, hint: PiiKind | None = None) -> list[Confidence]:
    own = frozenset({"sparrowlm.dev"}), frozenset({"sparrowlm"})
    found = find_pii(text, hint, own_domains=own[0], own_names=own[1])
    return [match.confidence for match in found if match.kind is kind]


EMAILS = [
    # not an address at all
    ("principal=hive/node4.cluster.lan@CLUSTER.LAN", []),
    ("kinit etl/gw.quarrytech.com@QUARRYTECH.COM", []),
    ("user svc_loader@DATA.QUARRYTECH.COM", []),
    ("scp out.csv ubuntu@ec2-18-2-9-77.compute-1.amazonaws.com:/tmp/", []),
    ("ssh builder@bastion.quarrytech.io", []),
    ("remote deploy@git.quarrytech.io:platform/infra.git", []),
    ("pull https://robot@registry.quarrytech.io/v2/", []),
    ("icons: logo@2x.png", []),
    ("b'\\n\\x04Rosa\\x1a\\x07ann@quarrytech.io'", []),
    ("bytes a@b.comc@d.com", []),
    # somebody's? no: placeholders, reserved names, roles, lists, the project itself
    ("mail test@example.co.uk", [LOW]),
    ("mail qa@staging.test", [LOW]),
    ("mail host7@printer.local", [LOW]),
    ("mail ann@email.com", [LOW]),
    ("mail boss@company.com", [LOW]),
    ("mail annotator_from_past@project.com", [LOW]),
    ("mail sales@mycompany.com", [LOW]),
    ("mail me@yourdomain.com", [LOW]),
    ("mail Ann.Lee-7%+@example-mail.net", [LOW]),
    ("mail x@y.co", [LOW]),
    ("mail j@quarrytech.io", [LOW]),
    ("mail john.doe@gmail.com", [LOW]),
    ("mail user42@quarrytech.io", [LOW]),
    ("mail zzzz@quarrytech.io", [LOW]),
    ("mail support@h2o-like.ai", [LOW]),
    ("mail noreply@quarrytech.io", [LOW]),
    ("mail eservice@airline-north.com", [LOW]),
    ("mail csrinfo@retirees-assoc.org", [LOW]),
    ("mail birdwatch-unsubscribe@egroups.com", [LOW]),
    ("mail ml-users@googlegroups.com", [LOW]),
    ("mail root@quarrytech.io", [LOW]),
    ("mail sparrowlm@sparrowlm.dev", [LOW]),
    ('"description": "Address to check.", "default": "tina.bauer77@quickpost.io"', [LOW]),
    ("A regex such as this accepts mira.holm@quickpost.io", [LOW]),
    # somebody's
    ("contact mira.holm@quickpost.io", [MEDIUM]),
    ("maintainer ola@sparrowlm.dev", [MEDIUM]),
    ("Author: Rosa Delgado <rosa.delgado@lattice-labs.io>", [HIGH]),
    ("write to lena.fischer77@gmail.com", [HIGH]),
    ("for example lena.fischer77@gmail.com", [MEDIUM]),
]


@pytest.mark.parametrize(("text", "expected"), EMAILS)
def test_email_grades(text: str, expected: list[Confidence]) -> None:
    assert _grades(text, PiiKind.EMAIL) == expected


def test_email_column_makes_an_address_certain() -> None:
    assert _grades("mira.holm@quickpost.io", PiiKind.EMAIL, PiiKind.EMAIL) == [HIGH]
    assert _grades("ann@email.com", PiiKind.EMAIL, PiiKind.EMAIL) == [LOW]


CARDS = [
    ("Please charge my credit card 4661 3186 0913 9090, expiry 04/29.", [HIGH]),
    ("visa 4661318609139090", [HIGH]),
    ("Total paid by card 4661 3186 0913 9090 today", [HIGH]),
    ("card total 4661 3186 0913 9090 = 2 x 2330 ...", []),
    ("ref 4661 3186 0913 9090 stored", [MEDIUM]),
    ("4526018159083012", [LOW]),
    ("Use the test card 4012 8888 8888 1881 in the sandbox", [LOW]),
    ("Amex sandbox card 378282246310005", [LOW]),
    ("442315301686 + 3634139589761 = 4076454891447", []),
    ("Add them.\n\n442315301686\n+3634139589761\n\nThe result is:\n\n4076454891447", []),
    ("the sum is 4076454891447", []),
    ("projects/88/locations/eu/operations/4746507529170342364", []),
    ("job_id=30671276842681 done", []),
    ("operation id 4746507529170342364 done", []),
    ("hash a4661318609139090 in a longer token", []),
    ("amount 1.4661318609139090", []),
]


@pytest.mark.parametrize(("text", "expected"), CARDS)
def test_card_grades(text: str, expected: list[Confidence]) -> None:
    assert _grades(text, PiiKind.CARD) == expected


def test_card_column_overrides_a_missing_keyword() -> None:
    assert _grades("4661318609139090", PiiKind.CARD, PiiKind.CARD) == [HIGH]
    found = find_pii("4661318609139090", label="request_id")
    assert [m.kind for m in found] == []


PHONES = [
    ("phone: +44 7911 468 203", [HIGH]),
    ("office line +49 30 8841 2270", [MEDIUM]),
    ("+4930884122705", [LOW]),
    ("tel +44 20 7946 0321", [LOW]),
    ("call (212) 555-0147", [LOW]),
    ("Find 472547338 + 960397912423686.", []),
    ("472547338\n+960397912423686\n", []),
    ("+960 3979 1242 3686", []),
    ("you can call me on 0176 3482 9175 after six", [MEDIUM]),
    ("give the shop a call at 780-800-7092 today", [LOW]),
    ("release 780-800-7092 of the build", []),
]


@pytest.mark.parametrize(("text", "expected"), PHONES)
def test_phone_grades(text: str, expected: list[Confidence]) -> None:
    assert _grades(text, PiiKind.PHONE) == expected


def test_phone_column_takes_national_formats() -> None:
    assert _grades("(415) 613-2278", PiiKind.PHONE, PiiKind.PHONE) == [HIGH]
    assert _grades("(212) 555-0147", PiiKind.PHONE, PiiKind.PHONE) == [LOW]
    assert _grades("123-456-7890", PiiKind.PHONE, PiiKind.PHONE) == [LOW]
    assert _grades("02079460321", PiiKind.PHONE, PiiKind.PHONE) == [LOW]


def test_numbering_plans() -> None:
    assert split_international("14156132278") == ("1", "4156132278")
    assert split_international("447911468203") == ("44", "7911468203")
    assert split_international("9607912423") == ("960", "7912423")
    assert split_international("960397912423686") is None
    assert split_international("1415613227") is None


def test_ssn_and_iban_grades() -> None:
    assert _grades("ssn 512-38-4417", PiiKind.SSN) == [HIGH]
    assert _grades("ref 512-38-4417", PiiKind.SSN) == [MEDIUM]
    assert _grades("void 078-05-1120", PiiKind.SSN) == [LOW]
    assert _grades("bank NL06 RABO 0347 8122 65", PiiKind.IBAN) == [HIGH]
    assert _grades("NL06RABO0347812265", PiiKind.IBAN) == [MEDIUM]
    assert _grades("iban GB82 WEST 1234 5698 7654 32", PiiKind.IBAN) == [LOW]


def test_severity_follows_confidence() -> None:
    assert severity_for(PiiKind.CARD, HIGH) is Severity.HIGH
    assert severity_for(PiiKind.CARD, MEDIUM) is Severity.MEDIUM
    assert severity_for(PiiKind.EMAIL, HIGH) is Severity.MEDIUM
    assert severity_for(PiiKind.EMAIL, LOW) is Severity.LOW


def test_organisation_from_package_metadata_and_readme(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "Sparrow-LM"\nauthors = [{email = "a@sparrow.ai"}]'
            '\n[project.urls]\nDocs = "https://docs.sparrowlm.dev/latest"\n'
            'Source = "https://github.com/sparrow-org/sparrow-lm"\n',
            "README.md": "See https://sparrow-org.com and https://www.arxiv.org/abs/1 and "
            "https://cdn.quarrytech.io/x.png\n",
            ".git/config": '[remote "origin"]\n\turl = git@github.com:sparrow-org/sparrow-lm.git\n',
        },
    )
    found = organisation(tmp_path)
    assert {"sparrowlm", "sparroworg"} <= found.names
    assert found.domains == {"sparrow.ai", "docs.sparrowlm.dev", "sparrow-org.com"}
    assert found.owns("mail.sparrow-org.com") and not found.owns("quarrytech.io")


def test_organisation_from_setup_files(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "setup.py": 'setup(name="lattice", url="https://lattice-labs.io",\n'
            '      author_email="dev@lattice-labs.io")\n',
            "setup.cfg": "[metadata]\nname = lattice\nhome_page = https://www.lattice.dev\n",
            "package.json": '{"name": "lattice-ui", "homepage": "https://ui.lattice.dev"}',
        },
    )
    found = organisation(tmp_path)
    assert {"lattice", "latticeui"} <= found.names
    assert found.domains == {"lattice-labs.io", "lattice.dev", "ui.lattice.dev"}


def test_organisation_of_a_bare_folder_is_its_name(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("not [valid toml", encoding="utf-8")
    found = organisation(tmp_path)
    assert found.domains == frozenset()
    assert found.names <= {"".join(c for c in tmp_path.name.lower() if c.isalnum())}


def test_notebook_context_spans_the_lines_of_one_output(tmp_path: Path) -> None:
    lines = [
        "   customer_id  card_holder     card\\n",
        "0  1001         M. Lopez        4661 3186 0913 9090\\n",
    ]
    output = '{"output_type": "stream", "name": "stdout", "text": ["' + '", "'.join(lines) + '"]}'
    notebook = (
        '{"cells": [{"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": ['
        + output
        + '], "source": ["df.head()"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    )
    write_tree(tmp_path, {"n.ipynb": notebook})
    artifact = Artifact("n.ipynb", ArtifactKind.NOTEBOOK, (tmp_path / "n.ipynb").stat().st_size)
    [found] = list(notebook_output_leaks(FileContext(tmp_path, artifact), OutputLeaks()))
    assert found.severity is Severity.HIGH
    assert found.location.start_line == 1
    assert "card keyword or column" in (found.message or "")
