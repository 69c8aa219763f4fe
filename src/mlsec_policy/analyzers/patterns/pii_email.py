"""E-mail addresses, graded: is it an address at all, and is it somebody's.

Three questions, in order:

1. **Is it an address?** Kerberos principals (``service/host@REALM``, a realm in capitals),
   ssh and scp logins (``ubuntu@ec2-…``, ``git@host:org/repo``), credentials in URLs, image
   names (``icon@2x.png``) and addresses glued into other tokens (``a@b.comc@d.com``, escaped
   bytes before ``a@b.com``) are not. Those are dropped.
2. **Is it a person's?** Reserved and placeholder domains (RFC 2606 and 6761: ``example.*``,
   ``.test``, ``.invalid``, ``.localhost``; internal names such as ``.local``; ``email.com``,
   ``yourdomain.com``, one-letter domains), placeholder mailboxes (``user@``, ``john.doe@``,
   one-letter mailboxes), role and list mailboxes (``support@``, ``noreply@``,
   ``list-unsubscribe@``, mailing-list hosts), system accounts (``root@``, ``git@``) and
   mailboxes named for the repository's own organisation or project are not: LOW.
3. **How sure?** A column or key named for e-mail, a display name (``Ann Lee <ann@…>``) or a
   personal webmail provider make it HIGH; an address presented as an example (``e.g.``,
   ``"default":``, a regex exercise) drops one level; the rest is MEDIUM.
"""

from __future__ import annotations

import re

from mlsec_policy.analyzers.patterns.pii_context import (
    Confidence,
    Grade,
    after,
    before,
    example_context,
    line_before,
)

EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b"
)

RESERVED_TLDS = frozenset(
    {"test", "example", "invalid", "localhost", "local", "localdomain", "internal", "intranet",
     "lan", "home", "corp", "private", "loc", "arpa", "domain", "tld"}
)  # fmt: skip
"""Top-level names reserved by RFC 2606/6761/6762 or used only inside networks."""

PLACEHOLDER_LABELS = frozenset(
    {"example", "examples", "sample", "samples", "test", "testing", "demo", "domain", "yourdomain",
     "mydomain", "somedomain", "anydomain", "otherdomain", "company", "mycompany", "yourcompany",
     "somecompany", "acme", "foo", "bar", "baz", "foobar", "email", "e-mail", "emailprovider",
     "website", "mywebsite", "yourwebsite", "yoursite", "mysite", "site", "host", "hostname",
     "server", "provider", "yourorg", "myorg", "organization", "organisation", "university",
     "school", "abc", "xyz", "xxx", "xxxx", "noreply", "no-reply", "fake", "dummy", "placeholder",
     "invalid", "localhost", "project", "myproject", "yourproject", "myapp", "yourapp"}
)  # fmt: skip
"""Domain labels (below the top level) that only placeholders use."""

PLACEHOLDER_LOCALS = frozenset(
    {"user", "username", "name", "yourname", "your.name", "your_name", "your-name", "myname",
     "firstname.lastname", "first.last", "firstlast", "first_last", "firstname", "lastname",
     "email", "youremail", "your.email", "your_email", "your-email", "myemail", "my.email",
     "mail", "yourmail", "me", "you", "someone", "somebody", "anyone", "nobody", "person",
     "foo", "bar", "baz", "foobar", "test", "tester", "testuser", "test.user", "demo", "sample",
     "example", "john.doe", "jane.doe", "johndoe", "janedoe", "john_doe", "jane_doe",
     "john-doe", "jane-doe", "jdoe", "j.doe", "doe", "xxx", "xxxx", "abc", "aaa", "asdf",
     "qwerty", "dummy", "fake", "null", "none", "changeme", "your", "my", "address",
     "recipient", "sender", "customer", "client", "guest", "anonymous", "student", "employee"}
)  # fmt: skip
"""Mailboxes (with trailing digits removed) that stand for "an address goes here"."""

ROLE_LOCALS = frozenset(
    {"support", "sales", "info", "information", "contact", "contacts", "hello", "hi", "help",
     "helpdesk", "service", "services", "customerservice", "customercare", "care", "enquiries",
     "enquiry", "inquiries", "inquiry", "feedback", "team", "office", "admin", "administrator",
     "webmaster", "postmaster", "hostmaster", "abuse", "security", "privacy", "legal",
     "compliance", "billing", "accounts", "accounting", "finance", "invoices", "orders",
     "shop", "store", "marketing", "offers", "press", "media", "pr", "news", "newsletter",
     "jobs", "careers", "hr", "recruiting", "talent", "admission", "admissions", "registrar",
     "events", "partners", "partnerships", "business", "bizdev", "licensing", "license",
     "dev", "developers", "engineering", "research", "community", "opensource", "oss",
     "maintainers", "noreply", "no-reply", "no_reply", "donotreply", "do-not-reply",
     "notifications", "notification", "notify", "alerts", "alert", "mailer-daemon", "bounce",
     "bounces", "unsubscribe", "subscribe", "list", "lists", "listserv", "majordomo",
     "announce", "conduct", "reply", "replies", "root", "system", "daemon", "bot", "ci",
     "build", "builds", "jenkins", "git", "github", "noc", "ops", "devops", "it", "sysadmin",
     "www", "ftp", "ubuntu", "ec2-user", "centos", "debian", "fedora", "azureuser", "opc",
     "vagrant", "pi", "hadoop", "postgres", "mysql", "nginx", "apache", "www-data", "operator"}
)  # fmt: skip
"""Mailboxes of a function, a list or a system rather than of a person."""

LIST_SUFFIXES = frozenset(
    {"unsubscribe", "subscribe", "request", "owner", "bounces", "bounce", "announce", "users",
     "devel", "dev", "discuss", "help", "digest", "admin", "info", "support", "noreply",
     "notifications", "team", "list", "bot"}
)  # fmt: skip
"""Last parts of a mailbox name that make it a list or function address (``x-unsubscribe``)."""

LIST_HOSTS = re.compile(
    r"(?:^|\.)(?:googlegroups\.com|egroups\.com|yahoogroups\.com|groups\.io|"
    r"lists\.[\w.-]+|listserv\.[\w.-]+|users\.noreply\.github\.com|noreply\.[\w.-]+)$"
)
_ROLE_COMPOUND = re.compile(
    r"^(?:e|my|web|tech|it|customer|client|csr|cs|user|member|student|guest)?"
    r"(?:support|service|services|care|info|help|desk|helpdesk|relations)$"
)
FREE_MAIL = frozenset(
    {"gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.co.jp", "yahoo.fr",
     "yahoo.de", "ymail.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr", "outlook.com",
     "live.com", "msn.com", "icloud.com", "me.com", "mac.com", "aol.com", "gmx.de", "gmx.net",
     "gmx.com", "web.de", "t-online.de", "mail.ru", "yandex.ru", "yandex.com", "qq.com",
     "163.com", "126.com", "sina.com", "naver.com", "protonmail.com", "proton.me", "zoho.com",
     "orange.fr", "free.fr", "libero.it", "comcast.net", "verizon.net"}
)  # fmt: skip
"""Providers whose mailboxes belong to individuals."""
FILE_SUFFIXES = frozenset(
    {"png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "tif", "tiff", "css", "js",
     "ts", "json", "yaml", "yml", "txt", "log", "csv", "pdf", "pyc", "whl", "tgz", "mjs"}
)  # fmt: skip
"""Top levels that are file extensions (``icon@2x.png``, ``pkg@1.0.tgz``)."""

_MACHINE_HOST = re.compile(
    r"(?:^|[.-])\d{1,3}-\d{1,3}-\d{1,3}-\d{1,3}(?:$|[.-])|^(?:ip|ec2|vm|node|host)-[\w-]*\d|"
    r"(?:^|\.)(?:amazonaws\.com|compute\.internal|cloudapp\.net|cloudapp\.azure\.com|"
    r"googleusercontent\.com|compute\.googleapis\.com)$"
)
_SHELL_LOGIN = re.compile(r"\b(?:ssh|scp|sftp|rsync|mosh|ssh-copy-id|git\s+clone)\b")
_DISPLAY_NAME = re.compile(r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’.-]*)+\s*[<(\[]\s*(?:mailto:)?$")
_SECOND_LEVEL_SUFFIXES = frozenset({"co", "com", "ac", "org", "net", "gov", "edu", "or", "ne"})


def grade_email(
    text: str,
    match: re.Match[str],
    hinted: bool,
    own_domains: frozenset[str] = frozenset(),
    own_names: frozenset[str] = frozenset(),
) -> Grade | None:
    """Grade an address-shaped match; None when it is not an e-mail address at all."""
    local, _, domain = match.group(0).rpartition("@")
    start, end = match.span()
    if not _is_address(text, start, end, local, domain):
        return None
    domain = domain.lower()
    reason = not_personal(local.lower(), domain, own_domains, own_names)
    if reason:
        return Grade(Confidence.LOW, reason)
    grade = _confirmed(text, start, domain, hinted)
    if example_context(text, start):
        return Grade(grade.confidence.lowered(), "presented as an example")
    return grade


def _is_address(text: str, start: int, end: int, local: str, domain: str) -> bool:
    head, tail = before(text, start, 200), after(text, end, 3)
    if tail.startswith("@") or (head and head[-1] in "\\/"):
        return False  # glued into a longer token, escaped bytes, a path or a principal
    token = head[max(head.rfind(" "), head.rfind("\n"), head.rfind("\t")) + 1 :]
    if "://" in token:
        return False  # user information of a URL
    if re.match(r":[\w~/.]", tail):
        return False  # scp target or git remote: host:path
    if domain.isupper() and any(c.islower() for c in local):
        return False  # a Kerberos principal: name@REALM
    lowered = domain.lower()
    if lowered.rsplit(".", 1)[-1] in FILE_SUFFIXES or _MACHINE_HOST.search(lowered):
        return False
    return not _SHELL_LOGIN.search(line_before(text, start, 120))


def not_personal(
    local: str, domain: str, own_domains: frozenset[str], own_names: frozenset[str]
) -> str | None:
    """Return why a (lower-case) address belongs to nobody in particular, else None."""
    labels = domain.split(".")
    if labels[-1] in RESERVED_TLDS:
        return "reserved or internal domain"
    below_top = labels[:-1]
    if any(label in PLACEHOLDER_LABELS or label.startswith("example") for label in below_top):
        return "placeholder domain"
    registrable = registrable_domain(domain)
    if len(registrable.split(".")[0]) == 1:
        return "one-letter domain"
    base = local.split("+", 1)[0]
    plain = base.rstrip("0123456789") or base
    if len(plain) <= 1:
        return "one-letter mailbox"
    if plain in PLACEHOLDER_LOCALS or len(set(plain)) == 1:
        return "placeholder mailbox"
    if LIST_HOSTS.search(domain):
        return "mailing-list or no-reply host"
    if role_mailbox(plain):
        return "role, list or system mailbox"
    owned = any(domain == own or domain.endswith("." + own) for own in own_domains)
    if owned and re.sub(r"[^a-z0-9]", "", plain) in own_names:
        return "the project's own mailbox"
    return None


def role_mailbox(local: str) -> bool:
    """Return True for a mailbox of a function, list or system (``support``, ``x-unsubscribe``)."""
    if local in ROLE_LOCALS or _ROLE_COMPOUND.match(local):
        return True
    parts = [p for p in re.split(r"[-_.]", local) if p]
    if len(parts) < 2:
        return False
    return parts[-1] in LIST_SUFFIXES or (parts[0] in ROLE_LOCALS and len(parts[-1]) <= 3)


def registrable_domain(domain: str) -> str:
    """Return the part of ``domain`` an organisation registers (``h2o.ai``, ``ox.ac.uk``)."""
    labels = domain.lower().split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL_SUFFIXES:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _confirmed(text: str, start: int, domain: str, hinted: bool) -> Grade:
    if hinted:
        return Grade(Confidence.HIGH, "column named for e-mail")
    if _DISPLAY_NAME.search(line_before(text, start, 60)):
        return Grade(Confidence.HIGH, "a person's name beside it")
    if registrable_domain(domain) in FREE_MAIL:
        return Grade(Confidence.HIGH, "personal webmail provider")
    return Grade(Confidence.MEDIUM, "address with nothing against it")
