#!/usr/bin/env python3
"""Writes tests/diff-fixtures/<case>/{old,new}/ (checkout layout) from one base page.

Usage (from the workspace root): python3 tests/diff-fixtures/generate.py tests/diff-fixtures
It rewrites every case folder there (files beside them, like this script, are kept).
"""
import os, shutil, sys, copy

ROOT = sys.argv[1]

BASE = {
    "name": "demo.widget.add",
    "title": "Add a Widget",
    "scope": "demo",
    "deprecated": None,
    "intro": "The method `demo.widget.add` places a new widget on the dashboard.",
    "params": [
        ("NAME", "string", True, "Name shown in the widget header"),
        ("COLOR", "string", False, "Background color as a hex code"),
        ("SIZE", "integer", False, "Widget height in grid cells"),
    ],
    "result": [
        ("ID", "integer", "Identifier of the new widget"),
        ("CREATED", "datetime", "When the widget was created"),
    ],
    "errors": [
        ("400", "ERROR_NAME_EMPTY", "Name is empty", "The `NAME` parameter was not given"),
        ("403", "ERROR_NO_ACCESS", "Access denied", "The user may not edit the dashboard"),
    ],
}

DELETE = {
    "name": "demo.widget.delete",
    "title": "Remove a Widget",
    "scope": "demo",
    "deprecated": None,
    "intro": "The method `demo.widget.delete` removes a widget from the dashboard.",
    "params": [("ID", "integer", True, "Identifier of the widget")],
    "result": None,
    "result_scalar": ("boolean", "`true` when the widget was removed"),
    "errors": [("404", "ERROR_NOT_FOUND", "Widget not found", "No widget has this identifier")],
}

EVENT = {
    "name": "ONDEMOWIDGETADD",
    "title": "Event on Adding a Widget",
    "scope": "demo",
    "fields": [("ID", "integer", "Identifier of the added widget")],
}

SYSTEM = [
    ("503", "QUERY_LIMIT_EXCEEDED", "Too many requests", "The request rate limit was exceeded"),
    ("401", "NO_AUTH_FOUND", "Wrong authorization data", "The access token or webhook code is not valid"),
]


def table(rows, anchors=None):
    """Rows are (name, type, required, doc[, children]); a row with children
    links to a sub-table, collected in `anchors` as (anchor, rows)."""
    out = ["#|", "|| **Name**", "`type` | **Description** ||"]
    for row in rows:
        name, ty, req, doc = row[:4]
        star = "*" if req else ""
        out.append(f"|| **{name}**{star}")
        if len(row) > 4 and anchors is not None:
            anchor = name.lower()
            doc = f"{doc} [(detailed description)](#{anchor})"
            anchors.append((anchor, name, row[4]))
        out.append(f"[`{ty}`](../data-types.md) | {doc} ||")
    out.append("|#")
    return "\n".join(out)


def method_page(m):
    slug = m["name"].replace(".", "-")
    lines = []
    if m.get("front"):
        lines += ["---", f"method: {m['name']}", f"scope: {m['scope']}"] + m["front"] + ["---", ""]
    lines += [f"# {m['title']} {m['name']}", ""]
    lines += [f"> Scope: [`{m['scope']}`](../scopes/permissions.md)", ">",
              "> Who can execute the method: any user", ""]
    if m.get("rest3"):
        lines += ['{% note info "" %}', "",
                  "This method belongs to REST 3.0. Its calls go to `/rest/api/`.",
                  "", "{% endnote %}", ""]
    if m.get("deprecated"):
        lines += ['{% note warning "DEPRECATED" %}', "",
                  f"The development of this method has been halted. Please use [{m['deprecated']}](./{m['deprecated'].replace('.', '-')}.md).",
                  "", "{% endnote %}", ""]
    lines += [m["intro"], ""]
    if m.get("alias"):
        lines += [f"There is an old method `{m['alias']}` — an alias for the method `{m['name']}`.", ""]
    anchors = []
    lines += ["## Method Parameters", "",
              "{% include [Note on required parameters](../../_includes/required.md) %}", "",
              table(m["params"], anchors), ""]
    for anchor, name, rows in anchors:
        lines += [f"### Parameter {name} {{#{anchor}}}", "", table(rows), ""]
    lines += ["## Code Examples", "", "```bash",
              "curl -X POST \\", '  -H "Content-Type: application/json" \\',
              "  -d '" + "{" + ",".join(f'"{p[0]}":{1 if p[1] == "integer" else chr(34) + "x" + chr(34)}' for p in m["params"]) + "}' \\",
              f"  https://example.bitrix24.com/rest/1/token/{m['name']}", "```", "",
              "## Response Handling", "", "HTTP Status: **200**", ""]
    if m.get("result"):
        sample = ",\n".join(f'        "{n}": ' + ('12' if t == "integer" else '"2025-01-01T10:00:00+00:00"' if t == "datetime" else '"x"') for n, t, _ in m["result"])
        total = [',', '    "total": 1'] if m.get("paginated") else []
        total_row = ["|| **total**", "[`integer`](../data-types.md) | Number of widgets found ||"] if m.get("paginated") else []
        lines += ["```json", "{", '    "result": {', sample, "    }" + total[0] if total else "    }"] + total[1:] + ["}", "```", "",
                  "### Returned Data", "", "#|", "|| **Name**", "`type` | **Description** ||",
                  "|| **result**", "[`object`](../data-types.md) | The new widget [(detailed description)](#result) ||"] + total_row + [
                  "|#", "", "#### Result Object {#result}", "",
                  table([(n, t, False, d) for n, t, d in m["result"]]), ""]
    else:
        t, d = m["result_scalar"]
        lines += ["```json", "{", '    "result": true', "}", "```", "", "### Returned Data", "",
                  "#|", "|| **Name**", "`type` | **Description** ||", "|| **result**",
                  f"[`{t}`](../data-types.md) | {d} ||", "|#", ""]
    lines += ["## Error Handling", "", "HTTP Status: **400**", "", "```json", "{",
              f'    "error": "{m["errors"][0][1]}",', f'    "error_description": "{m["errors"][0][2]}"',
              "}", "```", "", "### Possible Error Codes", "", "#|",
              "|| **Status** | **Code** | **Description** | **Value** ||"]
    for st, code, msg, doc in m["errors"]:
        lines.append(f"|| `{st}` | `{code}` | {msg} | {doc} ||")
    lines += ["|#", "", "{% include [system errors](../../_includes/system-errors.md) %}", ""]
    return slug, "\n".join(lines)


def event_page(e):
    lines = [f"# {e['title']} {e['name']}", "",
             f"> Scope: [`{e['scope']}`](../scopes/permissions.md)", ">",
             "> Who can subscribe: any user", "",
             f"The `{e['name']}` event is triggered when a widget is added.", "",
             "## What the Handler Receives", "", "```json", "{",
             f'    "event": "{e["name"]}",', '    "data": {', '        "FIELDS": {',
             ",\n".join(f'            "{n}": 1' for n, _, _ in e["fields"]),
             "        }", "    },", '    "ts": 1714649632', "}", "```", "",
             "## Parameters", "", "#|", "|| **Name**", "`type` | **Description** ||",
             "|| **event***", "[`string`](../data-types.md) | Symbolic code of the event ||",
             "|| **data***", "[`object`](../data-types.md) | Event data. The structure is described [below](#fields) ||",
             "|| **ts***", "[`timestamp`](../data-types.md) | When the event was sent ||",
             "|#", "", "### Parameter FIELDS {#fields}", "",
             table([(n, t, True, d) for n, t, d in e["fields"]]), ""]
    return "on-demo-widget-add", "\n".join(lines)


def includes(system):
    req = "Required parameters are marked with `*`\n"
    lines = ["### Statuses and System Error Codes", "", "HTTP Status: **20x**, **40x**, **50x**", "",
             "The errors below may occur when calling any method.", "", "#|",
             "|| **Status** | **Code**", "**Error Message** | **Description** ||"]
    for st, code, msg, doc in system:
        lines += [f"|| `{st}` | `{code}`", f"{msg} | {doc} ||"]
    lines += ["|#", ""]
    return {"required.md": req, "system-errors.md": "\n".join(lines)}


def write_side(dir_, methods, events, system):
    api = os.path.join(dir_, "api-reference", "demo")
    os.makedirs(api, exist_ok=True)
    for m in methods:
        slug, text = method_page(m)
        open(os.path.join(api, slug + ".md"), "w").write(text)
    for e in events:
        slug, text = event_page(e)
        os.makedirs(os.path.join(api, "events"), exist_ok=True)
        open(os.path.join(api, "events", slug + ".md"), "w").write(text.replace("../", "../../"))
    inc = os.path.join(dir_, "_includes")
    os.makedirs(inc, exist_ok=True)
    for n, t in includes(system).items():
        open(os.path.join(inc, n), "w").write(t)


def case(name, edit, old=None):
    """old/new start as [BASE] + event; `edit(new_state)` changes the new side."""
    state = {"methods": [copy.deepcopy(BASE)], "events": [copy.deepcopy(EVENT)], "system": copy.deepcopy(SYSTEM)}
    if old:
        old(state)
    new = copy.deepcopy(state)
    edit(new)
    d = os.path.join(ROOT, name)
    for side, st in (("old", state), ("new", new)):
        write_side(os.path.join(d, side), st["methods"], st["events"], st["system"])


def m0(st):
    return st["methods"][0]


def set_param(i, **kw):
    def f(st):
        name, ty, req, doc = m0(st)["params"][i]
        vals = dict(name=name, ty=ty, req=req, doc=doc); vals.update(kw)
        m0(st)["params"][i] = (vals["name"], vals["ty"], vals["req"], vals["doc"])
    return f


os.makedirs(ROOT, exist_ok=True)
for entry in os.listdir(ROOT):
    if os.path.isdir(os.path.join(ROOT, entry)):
        shutil.rmtree(os.path.join(ROOT, entry))

case("no-change", lambda st: None)
case("method-added", lambda st: st["methods"].append(copy.deepcopy(DELETE)))
case("method-removed", lambda st: st["methods"].pop(), old=lambda st: st["methods"].append(copy.deepcopy(DELETE)))
case("method-renamed-case", lambda st: m0(st).update(name="demo.widget.addNew", intro="The method `demo.widget.addNew` places a new widget on the dashboard."),
     old=lambda st: m0(st).update(name="demo.widget.addnew", intro="The method `demo.widget.addnew` places a new widget on the dashboard."))
case("method-deprecated", lambda st: m0(st).update(deprecated="demo.widget.create"))
case("scope-changed", lambda st: m0(st).update(scope="dashboard"))
case("doc-only", lambda st: m0(st).update(title="Create a Widget", intro="The method `demo.widget.add` creates a widget on the dashboard."))
case("param-added-required", lambda st: m0(st)["params"].append(("DASHBOARD_ID", "integer", True, "Dashboard to place the widget on")))
case("param-added-optional", lambda st: m0(st)["params"].append(("POSITION", "integer", False, "Position of the widget in the grid")))
case("param-removed", lambda st: m0(st)["params"].pop())
case("param-renamed", set_param(1, name="COLOUR"))
case("param-required-changed", set_param(1, req=True))
case("param-type-changed", set_param(2, ty="string"))
case("param-doc-changed", set_param(1, doc="Background color, for example `#ffcc00`"))
case("result-field-added", lambda st: m0(st)["result"].append(("SORT", "integer", "Sort index of the widget")))
case("result-field-removed", lambda st: m0(st)["result"].pop())
case("result-field-type-changed", lambda st: m0(st)["result"].__setitem__(0, ("ID", "string", "Identifier of the new widget")))
case("error-added", lambda st: m0(st)["errors"].append(("400", "ERROR_SIZE_INVALID", "Size is invalid", "The `SIZE` parameter is not a positive number")))
case("error-removed", lambda st: m0(st)["errors"].pop())
case("system-error-added", lambda st: st["system"].append(("403", "ERROR_WEBHOOK_DISABLED", "Webhook is disabled", "An administrator switched the webhook off")))
case("event-added", lambda st: st["events"].append(copy.deepcopy(EVENT)), old=lambda st: st["events"].clear())
case("event-removed", lambda st: st["events"].clear())
case("method-undeprecated", lambda st: m0(st).update(deprecated=None), old=lambda st: m0(st).update(deprecated="demo.widget.create"))
case("method-moved-to-rest3", lambda st: m0(st).update(rest3=True))
case("method-alias-added", lambda st: m0(st).update(alias="demo.widget.create"))
case("result-paginated", lambda st: m0(st).update(paginated=True))
case("param-default-changed", set_param(2, doc="Widget height in grid cells. Default is `3`"),
     old=set_param(2, doc="Widget height in grid cells. Default is `2`"))
case("param-deprecated", set_param(1, doc="Deprecated. Background color as a hex code"))
case("param-type-token-changed", set_param(2, ty="int"))
MODES = "Layout of the widget. Possible values:\n- `grid` — tiles\n- `list` — rows"
case("enum-value-added", lambda st: m0(st)["params"].__setitem__(-1, ("MODE", "string", False, MODES + "\n- `card` — one card")),
     old=lambda st: m0(st)["params"].append(("MODE", "string", False, MODES)))
case("enum-value-removed", lambda st: m0(st)["params"].__setitem__(-1, ("MODE", "string", False, MODES)),
     old=lambda st: m0(st)["params"].append(("MODE", "string", False, MODES + "\n- `card` — one card")))
OPTIONS = [("SHOW_TITLE", "boolean", False, "Show the widget header")]
case("param-nested-added", lambda st: m0(st)["params"].__setitem__(-1, ("OPTIONS", "object", False, "Display options", OPTIONS + [("THEME", "string", True, "Color theme name")])),
     old=lambda st: m0(st)["params"].append(("OPTIONS", "object", False, "Display options", OPTIONS)))
case("error-status-changed", lambda st: m0(st)["errors"].__setitem__(1, ("401", "ERROR_NO_ACCESS", "Access denied", "The user may not edit the dashboard")))
case("event-renamed-case", lambda st: st["events"][0].update(name="OnDemoWidgetAdd"))
case("replacement-changed", lambda st: m0(st).update(deprecated="demo.widget.put"), old=lambda st: m0(st).update(deprecated="demo.widget.create"))
case("rate-limit-changed", lambda st: m0(st).update(front=["rate_limit_per_sec: 5"]), old=lambda st: m0(st).update(front=["rate_limit_per_sec: 2"]))
case("pagination-note-changed", lambda st: m0(st).update(front=["pagination: start"]), old=lambda st: m0(st).update(front=["pagination: none"]))
case("event-field-added", lambda st: st["events"][0]["fields"].append(("DASHBOARD_ID", "integer", "Dashboard the widget was added to")))
