#!/usr/bin/env python3
"""Validate OpenAPI documents written by `b24gen openapi`, and every example in them.

usage: validate-openapi.py [--examples-out FILE] DOC.json... [--no-spec DOC.json...]

For each document: the document itself with openapi-spec-validator (OpenAPI 3.1; not for the
documents after --no-spec, e.g. the other language's document of the same IR, whose structure is
the same and whose validation takes a minute or two), then every
example of every operation (request body, 200 answer, error answer) against its schema with the
JSON Schema 2020-12 validator of the `jsonschema` package, `$ref`s resolved within the document.

Prints one summary line per document and kind. With --examples-out, writes one JSON line per
example: {"doc", "operation", "kind", "key", "ok", "path", "message"}; the Rust test
(generator/tests/openapi.rs) counts them against the examples the conformance suite accepts.
Exit status: 1 when a document is invalid, 2 on bad usage or missing modules; failing examples
alone do not fail (the caller sets the bar).
"""
import json
import sys
import time


def main(argv):
    out_path = None
    check_spec = True
    docs = []  # (path, validate the document itself)
    it = iter(argv)
    for a in it:
        if a == "--examples-out":
            out_path = next(it, None)
            if out_path is None:
                print("--examples-out needs a file", file=sys.stderr)
                return 2
        elif a == "--no-spec":
            check_spec = False
        else:
            docs.append((a, check_spec))
    if not docs:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        import jsonschema
        import openapi_spec_validator
        from jsonschema.exceptions import by_relevance
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012
        from importlib.metadata import version
    except ImportError as e:
        print(f"missing Python module: {e} (pip install openapi-spec-validator jsonschema)", file=sys.stderr)
        return 2

    print(f"validators: openapi-spec-validator {version('openapi-spec-validator')}, jsonschema {version('jsonschema')}")
    relevance = by_relevance()

    def reason(err):
        """The error inside an anyOf that says most: the deepest one, from the first alternative
        (the value's own schema; the later ones are the absent-value spellings, `wire.Empty`)."""
        while err.validator in ("anyOf", "oneOf") and err.context:
            err = min(err.context, key=lambda e: (-len(e.absolute_path), list(e.relative_schema_path)[:1]))
        return err
    out = open(out_path, "w", encoding="utf-8") if out_path else None
    status = 0
    for path, spec in docs:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        if spec:
            t = time.monotonic()
            try:
                openapi_spec_validator.validate(doc)
                print(f"{path}: valid OpenAPI {doc.get('openapi')} ({len(doc.get('paths', {}))} paths, {time.monotonic() - t:.1f} s)")
            except Exception as e:  # the validator's errors have no common base class
                status = 1
                print(f"{path}: INVALID: {str(e)[:2000]}")
                continue
        uri = "urn:b24gen:openapi"
        registry = Registry().with_resource(uri, Resource(contents=doc, specification=DRAFT202012))
        counts = {}

        def check(op_id, kind, pointer, examples):
            v = jsonschema.Draft202012Validator({"$ref": f"{uri}#{pointer}"}, registry=registry)
            for key, ex in examples.items():
                errs = list(v.iter_errors(ex.get("value")))
                # best_match's own descent into anyOf prefers the absent-value spellings.
                err = reason(max(errs, key=relevance)) if errs else None
                ok = err is None
                c = counts.setdefault(kind, [0, 0])
                c[1] += 1
                if ok:
                    c[0] += 1
                if out:
                    rec = {"doc": path, "operation": op_id, "kind": kind, "key": key, "ok": ok}
                    if not ok:
                        rec["path"] = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.absolute_path) or "(root)"
                        rec["message"] = err.message[:300]
                    out.write(json.dumps(rec, ensure_ascii=False) + "\n")

        def esc(s):
            return s.replace("~", "~0").replace("/", "~1")

        for p, item in doc.get("paths", {}).items():
            op = item.get("post") or {}
            op_id = op.get("operationId", p)
            base = f"/paths/{esc(p)}/post"
            media = ((op.get("requestBody") or {}).get("content") or {}).get("application/json") or {}
            if media.get("examples"):
                check(op_id, "request", f"{base}/requestBody/content/application~1json/schema", media["examples"])
            for status_code, kind in (("200", "response"), ("default", "error")):
                media = ((op.get("responses") or {}).get(status_code) or {}).get("content", {}).get("application/json") or {}
                if media.get("examples"):
                    check(op_id, kind, f"{base}/responses/{status_code}/content/application~1json/schema", media["examples"])
        for kind, (ok, total) in sorted(counts.items()):
            print(f"{path}: {kind} examples valid {ok}/{total}")
    if out:
        out.close()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
