"""The Simplified Chinese catalogue is complete, and the committed .mo says what the .po says.

A fresh machine has no msgfmt, so `django.mo` is committed beside `django.po`; these tests
catch a .po edited (or re-made by makemessages) without compiling it again.
"""

import gettext as stdlib_gettext
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import translation

LC_MESSAGES = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

# `msgid "…"`, `msgstr[0] "…"`, … and the `"…"` lines that continue them.
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$')
CONTINUATION = re.compile(r'^"(.*)"$')
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{[^{}]*\}")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    parts: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.parts.get("msgid", "")

    @property
    def translations(self) -> dict[str, str]:
        return {key: value for key, value in self.parts.items() if key.startswith("msgstr")}

    @property
    def is_plain(self) -> bool:
        """Neither plural nor contextual: `gettext(msgid)` looks it up."""
        return "msgctxt" not in self.parts and "msgid_plural" not in self.parts


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda match: ESCAPES.get(match.group(1), match.group(1)), text)


def parse_po(text: str) -> list[Entry]:
    """The live entries of a .po, header included; entries are separated by blank lines and
    obsolete (`#~`) ones are skipped."""
    entries = []
    first_line = 1
    for block in re.split(r"\n[ \t]*\n", text):
        entry, key = Entry(line=first_line), ""
        for offset, line in enumerate(block.strip("\n").splitlines()):
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif match := KEYWORD.match(line):
                key, value = match.groups()
                entry.parts[key] = unescape(value)
            elif (match := CONTINUATION.match(line)) and key:
                entry.parts[key] += unescape(match.group(1))
            else:
                raise AssertionError(f"{PO.name}:{first_line + offset}: cannot parse {line!r}")
        if "msgid" in entry.parts:
            entries.append(entry)
        first_line += block.count("\n") + 2
    return entries


ENTRIES = parse_po(PO.read_text(encoding="utf-8"))
MESSAGES = [entry for entry in ENTRIES if entry.msgid]
PLAIN = [entry for entry in MESSAGES if entry.is_plain]


def where(entry: Entry) -> str:
    return f"{PO.name}:{entry.line} {entry.msgid!r}"


def test_the_catalogue_has_messages_and_a_utf8_header():
    header = next(entry for entry in ENTRIES if not entry.msgid)
    assert "charset=UTF-8" in header.parts["msgstr"]
    assert "Language: zh_Hans" in header.parts["msgstr"]
    assert len(MESSAGES) > 100


def test_no_translation_is_empty_or_fuzzy():
    empty = [where(e) for e in MESSAGES if not all(s.strip() for s in e.translations.values())]
    fuzzy = [where(entry) for entry in ENTRIES if "fuzzy" in entry.flags]
    assert not empty, f"untranslated: {empty}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_translations_keep_every_placeholder():
    """`%` with a dict ignores unused keys, so a dropped `%(qty)d` would fail silently."""
    wrong = [
        f"{where(entry)} → {msgstr!r}"
        for entry in MESSAGES
        for msgstr in entry.translations.values()
        # With one plural form (Chinese), msgstr[0] stands for the singular and the plural.
        if set(PLACEHOLDER.findall(entry.msgid + entry.parts.get("msgid_plural", "")))
        != set(PLACEHOLDER.findall(msgstr))
    ]
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_the_compiled_mo_holds_exactly_the_po():
    with MO.open("rb") as compiled:
        catalog = stdlib_gettext.GNUTranslations(compiled)._catalog
    expected = {entry.msgid: entry.parts["msgstr"] for entry in PLAIN}
    # Contextual messages are stored as "context\x04msgid"; they are not in PLAIN.
    compiled_plain = {
        key: value
        for key, value in catalog.items()
        if isinstance(key, str) and key and "\x04" not in key
    }
    stale = sorted(key for key in compiled_plain if key not in expected)
    assert not stale, f"in django.mo but not in django.po (compile again): {stale}"
    differing = sorted(key for key, value in expected.items() if compiled_plain.get(key) != value)
    assert not differing, f"django.mo is out of step with django.po (compile again): {differing}"


def test_django_serves_the_po_translation_of_every_msgid():
    with translation.override("zh-hans"):
        wrong = [
            f"{where(entry)}: {served!r} ≠ {entry.parts['msgstr']!r}"
            for entry in PLAIN
            if (served := translation.gettext(entry.msgid)) != entry.parts["msgstr"]
        ]
    assert not wrong, "gettext disagrees with django.po:\n" + "\n".join(wrong)


def test_the_home_page_speaks_chinese_by_request(client, db):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "救援物资追踪" in page
    assert "各类别现有库存" in page
    assert "Relief supply tracker" not in page


def test_the_home_page_speaks_english_by_request(client, db):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Relief supply tracker" in page
    assert "Stock on hand by category" in page
    assert "救援物资追踪" not in page
