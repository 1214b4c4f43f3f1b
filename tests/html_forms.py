"""Forms read from a page's HTML as a browser reads them, and the data a browser would send back.

A browser does not send what the HTML says verbatim: an ``<input type="date">`` whose value is
not an ISO date, or an ``<input type="number">`` whose value is not a valid number ("20,00"),
is shown empty and sent empty (the HTML value sanitization algorithm). Checkboxes and radios
are sent only when checked, a select sends its selected option (the first when none is), and
disabled controls and buttons are not sent.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_ISO_DATE = re.compile(r"^\d{4,}-\d{2}-\d{2}$")
_FLOAT = re.compile(r"^-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?$")
_NOT_SENT = {"submit", "button", "reset", "image", "file"}


@dataclass
class Control:
    tag: str
    attrs: dict
    value: str = ""
    options: list = field(default_factory=list)  # a select's (value, selected, disabled)

    @property
    def name(self) -> str:
        return self.attrs.get("name") or ""

    @property
    def type(self) -> str:
        if self.tag == "input":
            return (self.attrs.get("type") or "text").lower()
        if self.tag == "button":
            return (self.attrs.get("type") or "submit").lower()
        return self.tag


@dataclass
class Form:
    attrs: dict
    controls: list = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.attrs.get("id") or ""

    @property
    def buttons(self) -> list:
        return [c for c in self.controls if c.tag == "button" or c.type in {"submit", "image"}]

    @property
    def submit_buttons(self) -> list:
        return [c for c in self.buttons if c.type in {"submit", "image"}]

    def data(self) -> list[tuple[str, str]]:
        """What a browser sends for this form, without any button."""
        sent = []
        for control in self.controls:
            if not control.name or "disabled" in control.attrs or control.type in _NOT_SENT:
                continue
            if control.tag == "select":
                chosen = [value for value, selected, _ in control.options if selected]
                if not chosen and control.options and "multiple" not in control.attrs:
                    enabled = [value for value, _, disabled in control.options if not disabled]
                    chosen = enabled[:1]
                sent += [(control.name, value) for value in chosen]
            elif control.type in {"checkbox", "radio"}:
                if "checked" in control.attrs:
                    sent.append((control.name, control.attrs.get("value", "on")))
            else:
                sent.append((control.name, sanitized(control)))
        return sent

    def values(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for name, value in self.data():
            grouped.setdefault(name, []).append(value)
        return grouped


def sanitized(control: Control) -> str:
    """The value a browser keeps for an input (HTML's value sanitization algorithm)."""
    value = control.value
    if control.tag == "textarea":
        return value.replace("\r\n", "\n")
    kind = control.type
    if kind == "date":
        return value if _ISO_DATE.match(value) else ""
    if kind == "number":
        return value if _FLOAT.match(value) else ""
    if kind in {"text", "search", "tel", "password", "hidden", "email", "url"}:
        return value.replace("\r", "").replace("\n", "") if kind != "hidden" else value
    return value


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.by_id: dict[str, Form] = {}
        self.open_forms: list[Form] = []
        self.orphans: list[Control] = []  # controls with a form="..." attribute
        self.select: Control | None = None
        self.option: list | None = None
        self.textarea: Control | None = None
        self.in_noscript = 0

    def _place(self, control: Control) -> None:
        owner = control.attrs.get("form")
        if owner is not None:
            self.orphans.append(control)
        elif self.open_forms:
            self.open_forms[-1].controls.append(control)

    def handle_starttag(self, tag, attrs):
        attrs = {name: (value if value is not None else "") for name, value in attrs}
        if tag == "noscript":
            self.in_noscript += 1  # what a browser with JavaScript does not read as HTML
        if self.in_noscript:
            return
        if tag == "form":
            form = Form(attrs=attrs)
            self.forms.append(form)
            if form.id:
                self.by_id[form.id] = form
            self.open_forms.append(form)
        elif tag in {"input", "button"}:
            control = Control(tag=tag, attrs=attrs, value=attrs.get("value", ""))
            self._place(control)
        elif tag == "select":
            self.select = Control(tag="select", attrs=attrs)
            self._place(self.select)
        elif tag == "option" and self.select is not None:
            self.option = [attrs.get("value"), "selected" in attrs, "disabled" in attrs, ""]
            self.select.options.append(self.option)
        elif tag == "textarea":
            self.textarea = Control(tag="textarea", attrs=attrs)
            self._place(self.textarea)

    def handle_endtag(self, tag):
        if tag == "noscript":
            self.in_noscript = max(0, self.in_noscript - 1)
            return
        if self.in_noscript:
            return
        if tag == "form" and self.open_forms:
            self.open_forms.pop()
        elif tag == "select" and self.select is not None:
            self.select.options = [
                (value if value is not None else text.strip(), selected, disabled)
                for value, selected, disabled, text in self.select.options
            ]
            self.select = None
        elif tag == "option":
            self.option = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.in_noscript:
            return
        if self.textarea is not None:
            self.textarea.value += data
        elif self.option is not None:
            self.option[3] += data

    def close(self):
        super().close()
        for control in self.orphans:
            owner = self.by_id.get(control.attrs["form"])
            if owner is not None:
                owner.controls.append(control)


def forms_of(html: str) -> list[Form]:
    """The page's forms; a textarea's first newline is dropped as a browser does."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    for form in reader.forms:
        for control in form.controls:
            if control.tag == "textarea" and control.value.startswith("\n"):
                control.value = control.value[1:]
    return reader.forms


def form_by_id(html: str, form_id: str) -> Form:
    return next(form for form in forms_of(html) if form.id == form_id)


def ids_of(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def oob_ids(html: str) -> list[str]:
    """The targets of an answer's out-of-band swaps."""
    ids = []
    for match in re.finditer(r"<[a-z0-9]+\s[^>]*hx-swap-oob=\"[^\"]*\"[^>]*>", html):
        found = re.search(r'\sid="([^"]+)"', match.group(0))
        if found:
            ids.append(found.group(1))
    return ids
