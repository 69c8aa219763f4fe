"""Which rules may run on which file: a gate per (rule, file), decided by the words of its text.

A rule runs on a target only when the target's scanned text passes semgrep's own prefilter
formula (:mod:`.subsets`) and the formula of words the rule cannot match without
(:func:`.prefilter.formula`). The words are found in one pass per file, linear in its bytes
and with no regular expression run on the text: the text is cut into its runs of ASCII
letters, digits and underscores (a word of such characters can only occur inside one run),
and the runs a file holds are looked up in what earlier files taught (:class:`WordIndex`),
so that each distinct run of the whole tree is searched for the pack's words once. A word
with other characters (a quote, a dot) is looked for in the text itself, only when the runs
it is made of occur where it needs them.

Two consequences, both used by the engine:

- semgrep is told, per run, which rules skip which of its files (``paths: exclude`` in that
  run's rules file, :func:`excludes`), so it neither runs nor parses for them;
- a syntax error in a file concerns only the checks whose rule passes the file's gate
  (:mod:`.problems`): a rule that cannot match the text whatever its parse is verified on it.

``MLSEC_POLICY_SEMGREP_GATES=0`` turns the gates off: every rule a run holds runs on all its
files, and a syntax error concerns every check of the file's kind and language, as before.
"""

from __future__ import annotations

import os
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from mlsec_policy.engines.semgrep import targetpaths
from mlsec_policy.engines.semgrep.code_text import after_leading_comments, code_text
from mlsec_policy.engines.semgrep.decorators import holds_name, searched
from mlsec_policy.engines.semgrep.marks import CODE, DECORATED, LITERAL, MARKS, NAME
from mlsec_policy.engines.semgrep.regex_words import FOLDED
from mlsec_policy.engines.semgrep.targetpaths import TargetPaths
from mlsec_policy.engines.semgrep.wordformula import Node, holds
from mlsec_policy.pyliterals import beginnings

_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_SEPARATE = bytes(c if c in _WORD_BYTES else 0x20 for c in range(256))
"""Maps every byte that is not an ASCII word character to a space (``bytes.translate``)."""


def enabled() -> bool:
    """Return False when the environment turns the gates off (benchmarks, escape hatch)."""
    return os.environ.get("MLSEC_POLICY_SEMGREP_GATES", "1") != "0"


def _runs(text: bytes) -> set[bytes]:
    return set(text.translate(_SEPARATE).split())


def _is_run(word: bytes) -> bool:
    return bool(word) and all(byte in _WORD_BYTES for byte in word)


class WordIndex:
    """Finds which of a fixed set of words occur in texts (folded words: ignoring case).

    A word is given as :func:`.prefilter.formula` gives it (unlocated): bytes, prefixed with
    :data:`.regex_words.FOLDED` when it is compared with the lower-cased text.
    """

    def __init__(self, words: Iterable[bytes]) -> None:
        """Prepare the search for ``words``."""
        self.requested = frozenset(words)
        self.other = [_Spelled.of(w) for w in sorted(self.requested) if not _is_run(_body(w))]
        searched = {w for w in self.requested if _is_run(_body(w))}
        # a word with other characters is looked for only where its first and last runs are
        searched |= {piece for spelled in self.other for piece in spelled.pieces}
        self.plain = sorted(w for w in searched if not w.startswith(FOLDED))
        self.folded = sorted(w for w in searched if w.startswith(FOLDED))
        self.seen: set[bytes] = set()
        self.holding: dict[bytes, frozenset[bytes]] = {}
        """A run of word characters → the words (plain or folded) it holds, when any."""

    def found(
        self, text: bytes, runs: set[bytes] | None = None, learned: bool = False
    ) -> frozenset[bytes]:
        """Return the words of the index that occur in ``text``.

        ``runs``: the text's runs, if known; ``learned``: True when the index has learned
        every one of them (:meth:`learn`).
        """
        if runs is None:
            runs = _runs(text)
        if not learned:
            self.learn(runs)
        present: set[bytes] = set()
        for run in runs & self.holding.keys():
            present |= self.holding[run]
        if self.other:
            present |= self._others(text, runs, present)
        return frozenset(present & self.requested)

    def learn(self, runs: set[bytes]) -> None:
        """Find the words in the runs not seen before, so that texts made of them are quick.

        Each word is searched once per call, in all the new runs together: learning the runs
        of many texts at once costs about what learning one text's does.
        """
        new = runs - self.seen
        if new:
            self._learn(sorted(new))

    def _learn(self, runs: list[bytes]) -> None:
        """Find the words in the runs not seen before (each word searched once per batch)."""
        self.seen.update(runs)
        blob = b"\n".join(runs)
        starts: list[int] = []
        offset = 0
        for run in runs:
            starts.append(offset)
            offset += len(run) + 1
        holding: dict[int, set[bytes]] = {}
        for source, words, prefix in ((blob, self.plain, b""), (blob.lower(), self.folded, FOLDED)):
            for word in words:
                needle = word[len(prefix) :]
                at = source.find(needle)
                while at >= 0:
                    number = bisect_right(starts, at) - 1
                    holding.setdefault(number, set()).add(word)
                    # the next run: a word never spans the newline between two
                    following = number + 1
                    if following >= len(starts):
                        break
                    at = source.find(needle, starts[following])
        for number, words_held in holding.items():
            self.holding[runs[number]] = frozenset(words_held)

    def _others(self, text: bytes, runs: set[bytes], present: set[bytes]) -> set[bytes]:
        """Return the words with other characters than word characters that occur in text."""
        found: set[bytes] = set()
        lowered: bytes | None = None
        lowered_runs: set[bytes] = set()
        for spelled in self.other:
            if not all(piece in present for piece in spelled.pieces):
                continue
            if spelled.folded and lowered is None:
                lowered = text.lower()
                lowered_runs = {run.lower() for run in runs}
            if not all(p in (lowered_runs if spelled.folded else runs) for p in spelled.inner):
                continue
            if spelled.body in (lowered if spelled.folded and lowered is not None else text):
                found.add(spelled.word)
        return found


class LocatedIndex:
    """Finds which words occur where their marks say (:func:`.prefilter.formula`).

    A word marked :data:`.marks.CODE` holds when the text after the leading comment block
    holds it; one marked :data:`.marks.NAME` when that text holds it and so does the file's
    code (:func:`.code_text.code_text`: without comments and plain strings), unless the code
    cannot be lexed with certainty; one marked :data:`.marks.DECORATED` when that text holds it
    and so do the code's decorators or imports (:func:`.decorators.searched`); one marked
    :data:`.marks.LITERAL` when a string of the text may begin with it
    (:func:`mlsec_policy.pyliterals.beginnings`, all such words in one search); an unmarked
    word anywhere. So it decides a formula exactly as :func:`.prefilter.may_match` does, with
    each search a :class:`WordIndex` pass.
    """

    def __init__(self, words: Iterable[bytes]) -> None:
        """Prepare the search for ``words`` (marked or not)."""
        self.requested = frozenset(words)
        marked = [w for w in self.requested if w.startswith((CODE, NAME, DECORATED))]
        self.names = frozenset(w[len(NAME) :] for w in marked if w.startswith(NAME))
        self.decorated = frozenset(w[len(DECORATED) :] for w in marked if w[:1] == DECORATED)
        self.starts = tuple(sorted(w[len(LITERAL) :] for w in self.requested if w[:1] == LITERAL))
        self.whole = WordIndex(w for w in self.requested if not w.startswith(MARKS))
        self.body = WordIndex(w[1:] for w in marked)  # marks are one byte
        self.code = WordIndex(self.names)

    def found(self, text: bytes) -> frozenset[bytes]:
        """Return the words of the index (with their marks) that hold for ``text``."""
        return self._found(text, *_cut(text))

    def found_each(self, texts: Sequence[bytes]) -> list[frozenset[bytes]]:
        """Return :meth:`found` of each text, their new runs of words learned in one batch."""
        cut = [_cut(text) for text in texts]
        every = set().union(*(runs for _, _, runs in cut))
        self.whole.learn(every)
        if self.body.requested:
            self.body.learn(every)  # a body's runs are runs of its text
            self.code.learn(every)  # and so are, nearly always, its code's
        return [self._found(text, *cut, True) for text, cut in zip(texts, cut, strict=True)]

    def _found(
        self,
        text: bytes,
        body: bytes,
        body_runs: set[bytes],
        runs: set[bytes],
        learned: bool = False,
    ) -> frozenset[bytes]:
        present = set(self.whole.found(text, runs, learned))
        if self.starts:
            present |= {LITERAL + start for start in beginnings(self.starts, text)}
        in_body = self.body.found(body, body_runs, learned) if self.body.requested else None
        if not in_body:
            return frozenset(present)
        present |= {CODE + word for word in in_body}
        names = in_body & self.names
        held = in_body & self.decorated
        code = code_text(text) if names or held else None
        if names:
            if code is not None:
                names &= self.code.found(code)
            present |= {NAME + word for word in names}
        if held:
            where = searched(text, code)
            present |= {DECORATED + word for word in held if holds_name(word, where)}
        return frozenset(present & self.requested)


def _cut(text: bytes) -> tuple[bytes, set[bytes], set[bytes]]:
    """Return the text after its leading comments, that part's runs, and the text's runs."""
    # the leading block ends at a line's end, so no run spans it: the text's runs are those
    # of the block and those of the rest, each cut out once
    body = after_leading_comments(text)
    body_runs = _runs(body)
    if len(body) < len(text):
        return body, body_runs, body_runs | _runs(text[: len(text) - len(body)])
    return body, body_runs, body_runs


def _body(word: bytes) -> bytes:
    return word[len(FOLDED) :] if word.startswith(FOLDED) else word


@dataclass(frozen=True, slots=True)
class _Spelled:
    """A word with other characters than word characters, and the runs it is made of.

    Every run of it lies inside a run of any text that holds the word (``pieces``, as index
    words: folded when the word is); a run with other characters on both sides is a whole run
    of that text (``inner``, as the text spells it, lower-cased when the word is folded).
    """

    word: bytes
    body: bytes
    folded: bool
    inner: tuple[bytes, ...]
    pieces: tuple[bytes, ...]

    @classmethod
    def of(cls, word: bytes) -> _Spelled:
        folded = word.startswith(FOLDED)
        body = _body(word)
        pieces = body.translate(_SEPARATE).split(b" ")
        last = len(pieces) - 1
        inner = tuple(p for n, p in enumerate(pieces) if p and 0 < n < last)
        prefix = FOLDED if folded else b""
        return cls(word, body, folded, inner, tuple(prefix + p for p in pieces if p))


def satisfied(required: Node, present: frozenset[bytes]) -> bool:
    """Return True when the formula holds with ``present`` the words found in the file."""
    return holds(required, present)


def excludes(
    batch: Sequence[str],
    wants: Mapping[str, frozenset[str]],
    rule_ids: Iterable[str],
    paths: TargetPaths,
) -> dict[str, list[str]]:
    """Return, per rule id, the ``paths: exclude`` patterns that keep it off a run's targets.

    ``batch`` are the run's targets (scanned paths), ``wants`` each target's rules that pass
    its gate, ``paths`` how semgrep spells them (:mod:`.targetpaths`: from the project root
    inside a git work tree, by name outside one, from the working folder for the classic
    CLI). A target that fails a rule's gate gets the pattern meant for it, or the highest
    folder above it in that spelling, each only when no target of the run that passes the gate
    could be matched by it in any reading: a file that passes is never excluded, whichever
    reading semgrep applies. A folder holding only files that fail is one pattern instead of
    one per file (each pattern costs osemgrep a match per rule and target).
    """
    spellings = targetpaths.spelled(batch, paths)
    found: dict[str, list[str]] = {}
    for rule_id in rule_ids:
        # every pattern (case-folded) that could reach a target passing the rule's gate
        blocked: set[str] = set()
        for scanned, spelling in spellings:
            if rule_id in wants.get(scanned, frozenset()):
                blocked.update(spelling.reached_by)
        patterns: set[str] = set()
        for scanned, spelling in spellings:
            if rule_id in wants.get(scanned, frozenset()):
                continue
            for meant in spelling.meant:
                # the highest folder of the spelling (or the spelling itself) that is safe
                for pattern in reversed(list(targetpaths.folders(meant))):
                    if pattern.casefold() not in blocked and targetpaths.usable(pattern):
                        patterns.add(pattern)
                        break
        if patterns:
            found[rule_id] = _outermost(patterns)
    return found


def _outermost(patterns: set[str]) -> list[str]:
    """Return the patterns without those under another one (a folder holds them), sorted."""
    return sorted(
        pattern
        for pattern in patterns
        if not any(folder in patterns for folder in list(targetpaths.folders(pattern))[1:])
    )
