"""Holds a server's answers to its own OpenAPI description.

Usage: openapi_check.py SPEC.json CASES.json

SPEC is what /api/v1/openapi.json served; CASES a list of {method, path (the template), url,
status, content_type, body} that the Rust test fetched. The spec must validate as OpenAPI 3.1;
every documented operation must have a case; every JSON body must validate against the schema the
spec gives for its status (JSON Lines: each line against the item schema of the response's
description). Prints one line per case; exits 1 on the first list of failures.
"""
import json
import sys

import jsonschema
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012


def main() -> int:
    spec = json.load(open(sys.argv[1], encoding="utf-8"))
    cases = json.load(open(sys.argv[2], encoding="utf-8"))
    validate(spec)  # raises on an invalid OpenAPI 3.1 document
    assert spec["openapi"].startswith("3.1"), spec["openapi"]
    registry = Registry().with_resource("urn:spec", Resource.from_contents(spec, default_specification=DRAFT202012))
    failures = []
    documented = {(m.upper(), p) for p, item in spec["paths"].items() for m in item if m in ("get", "post", "put", "delete")}
    covered = {(c["method"], c["path"]) for c in cases}
    for missing in sorted(documented - covered):
        failures.append(f"{missing[0]} {missing[1]}: documented, but the test asked nothing of it")
    for c in cases:
        op = spec["paths"].get(c["path"], {}).get(c["method"].lower())
        label = f'{c["method"]} {c["url"]} -> {c["status"]}'
        if op is None:
            failures.append(f"{label}: not documented")
            continue
        resp = op["responses"].get(str(c["status"]))
        if resp is None:
            failures.append(f"{label}: status {c['status']} is not documented for {c['path']}")
            continue
        content = resp.get("content")
        if not content:
            print(f"ok   {label} (no body documented)")
            continue
        ctype = c["content_type"].split(";")[0].strip()
        media = content.get(ctype)
        if media is None:
            failures.append(f"{label}: content type {ctype} is not documented (documented: {list(content)})")
            continue
        schema = media.get("schema", {})
        if ctype == "application/json":
            instances = [json.loads(c["body"])]
        elif ctype == "application/x-ndjson":
            schema = {"$ref": "urn:spec#/components/schemas/Item"}
            instances = [json.loads(line) for line in c["body"].splitlines() if line.strip()]
        else:
            print(f"ok   {label} ({ctype}, {len(c['body'])} characters)")
            continue
        schema = json.loads(json.dumps(schema).replace('"#/components/', '"urn:spec#/components/'))
        validator = jsonschema.Draft202012Validator(schema, registry=registry)
        errors = [e for inst in instances for e in validator.iter_errors(inst)]
        if errors:
            e = errors[0]
            failures.append(f"{label}: {e.message} at {list(e.absolute_path)}")
        else:
            print(f"ok   {label} ({len(instances)} value(s) checked)")
    for f in failures:
        print("FAIL " + f)
    print(f"{len(cases)} answers checked against {len(documented)} documented operations; {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
