#!/usr/bin/env python3
"""Checks exchanges against openapi.yaml with jsonschema (independent of the project's code).

Reads a JSON list on stdin: {"name", "path", "method", "status", "requestBody" (text or null),
"responseBody" (text)}. A request body is checked only when the function accepted its shape
(200 or 403). Prints one line per problem and exits 1 if there is any.
"""
import json
import sys

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

spec = yaml.safe_load(open(sys.argv[1]))
registry = Registry().with_resource("urn:spec", Resource.from_contents(spec, default_specification=DRAFT202012))


def pointer(*parts):
    return "urn:spec#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def resolve(node, *where):
    """Follows one $ref to components/responses (the schemas inside resolve through the registry)."""
    if "$ref" in node:
        parts = node["$ref"].lstrip("#/").split("/")
        target = spec
        for part in parts:
            target = target[part]
        return target, parts
    return node, list(where)


def check(schema_location, instance):
    validator = Draft202012Validator({"$ref": pointer(*schema_location)}, registry=registry)
    return [error.message for error in validator.iter_errors(instance)]


problems = []
exchanges = json.load(sys.stdin)
for exchange in exchanges:
    name, path, method, status = exchange["name"], exchange["path"], exchange["method"].lower(), str(exchange["status"])
    operation = spec["paths"].get(path, {}).get(method)
    if operation is None:
        # API Gateway answers methods the API does not route (404); a function's 405 answers a
        # direct invoke, and its body is the envelope the description names for it.
        if status != "405" or path not in spec["paths"]:
            problems.append(f"{name}: {method.upper()} {path} is not described")
            continue
        for message in check(["components", "schemas", "MethodNotAllowedErrorEnvelope"], json.loads(exchange["responseBody"])):
            problems.append(f"{name}: response: {message}")
        continue
    response = operation["responses"].get(status)
    if response is None:
        problems.append(f"{name}: status {status} of {method.upper()} {path} is not described")
        continue
    response, location = resolve(response, "paths", path, method, "responses", status)
    for message in check(location + ["content", "application/json", "schema"], json.loads(exchange["responseBody"])):
        problems.append(f"{name}: response: {message}")
    if exchange.get("requestBody") and status in ("200", "403") and "requestBody" in operation:
        location = ["paths", path, method, "requestBody", "content", "application/json", "schema"]
        for message in check(location, json.loads(exchange["requestBody"])):
            problems.append(f"{name}: request: {message}")
for problem in problems:
    print(problem)
print(f"{len(exchanges)} exchanges checked, {len(problems)} problems")
sys.exit(1 if problems else 0)
