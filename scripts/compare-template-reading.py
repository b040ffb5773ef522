#!/usr/bin/env python3
"""local-runner's reading of each template against SAM's own (template_reading.py: samtranslator's
CloudFormation, values by SAM CLI's intrinsic resolver), field by field.

    compare-template-reading.py LOCAL_RUNNER TEMPLATE... [--parameter-overrides "Key=Value ..."]

A template the runner refuses must be one listed in REFUSED, with the reason it gives; every
other must read the same, except for the differences listed in KNOWN_DIFFERENCES, each of which
docs/local-runner.md explains. Exit status 1 on any other difference.
"""
import json
import subprocess
import sys

from template_reading import reading

# What the runner refuses at start rather than misread, and the words of its reason
# (docs/local-runner.md, "What the runner refuses").
REFUSED = {
    "09-rest-api-authorizer.yaml": "REST API authorizer",
    "10-jwt-authorizer.yaml": "JWT authorizer",
    "24-cors-wildcard-with-credentials.yaml": "AllowCredentials",
}
# Differences the runner keeps on purpose, each said at start: template file -> [(field path, the
# words of the runner's notice)]. docs/local-runner.md explains each.
KNOWN_DIFFERENCES = {
    "25-language-extensions-foreach.yaml": [
        ("functions.OrdersFunction", "AWS::LanguageExtensions"), ("functions.InvoicesFunction", "AWS::LanguageExtensions"),
        ("routes.ServerlessHttpApi GET /Orders", "AWS::LanguageExtensions"), ("routes.ServerlessHttpApi GET /Invoices", "AWS::LanguageExtensions"),
    ],
}


# Parameter values each template is also read with, beside its defaults: conditions either way.
OVERRIDES = {
    "17-parameters-mappings.yaml": [{"Stage": "prod", "Secret": "s3cr3t"}],
    "26-authorizer-permissions.yaml": [{"Stage": "prod"}],
    "27-conditions-globals-and-apis.yaml": [{"Stage": "prod", "Memory": "256"}],
    "template.yaml": [{"SecretVersion": "0123456789abcdef0123456789abcdef", "PreviousSecretVersion": "fedcba9876543210fedcba9876543210",
                       "BungieClientId": "12345", "AllowedOrigins": "https://a.example,https://b.example"}],
}


def compare(expected, actual, path, differences):
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            if key not in actual:
                differences.append(f"{path}.{key}: SAM has {json.dumps(expected[key])}, the runner nothing")
            elif key not in expected:
                differences.append(f"{path}.{key}: the runner has {json.dumps(actual[key])}, SAM nothing")
            else:
                compare(expected[key], actual[key], f"{path}.{key}", differences)
    elif expected != actual:
        differences.append(f"{path}: SAM {json.dumps(expected)}, the runner {json.dumps(actual)}")


def keyed(items, *keys):
    return {" ".join(str(item[key]) for key in keys): item for item in items}


def check(runner, template, overrides):
    name = template.rsplit("/", 1)[-1]
    flags = ["--parameter-overrides", " ".join(f"{key}={value}" for key, value in overrides.items())] if overrides else []
    described = subprocess.run([runner, "describe", "--template", template] + flags, capture_output=True, text=True)
    if described.returncode != 0:
        reason = described.stderr.strip()
        if name in REFUSED and REFUSED[name] in reason:
            return [], f"refused, as listed: {reason}"
        return [f"the runner refused it: {reason}"], None
    if name in REFUSED:
        return [f"listed as refused ({REFUSED[name]}) but the runner read it"], None
    runner_reading = json.loads(described.stdout)
    try:
        sam = reading(template, overrides)
    except Exception as error:  # samtranslator's InvalidDocumentException: SAM refuses the template
        return [f"SAM refuses it, the runner reads it: {error}"], None
    differences = []
    sam_functions = {key: value for key, value in sam["functions"].items()}
    runner_functions = {key: {k: v for k, v in value.items() if k != "notRunnable"} for key, value in runner_reading["functions"].items()}
    compare(sam_functions, runner_functions, "functions", differences)
    compare(keyed(sam["routes"], "api", "method", "path"), keyed(runner_reading["routes"], "api", "method", "path"), "routes", differences)
    compare(keyed(sam["authorizers"], "api", "name"), keyed(runner_reading["authorizers"], "api", "name"), "authorizers", differences)
    compare(sam["cors"], runner_reading["cors"], "cors", differences)
    known = KNOWN_DIFFERENCES.get(name, [])
    explained = lambda difference, path: difference.startswith(path + ":") or difference.startswith(path + ".")  # noqa: E731
    problems = [d for d in differences if not any(explained(d, path) for path, _ in known)]
    for path, words in known:
        if not any(words in notice for notice in runner_reading["notices"]):
            problems.append(f"{path}: a known difference, but the runner does not say '{words}' at start")
        if not any(explained(d, path) for d in differences):
            problems.append(f"{path}: listed as a known difference, but the readings agree: take it off the list")
    return problems, (f"{len(known)} known difference(s), each said at start" if known else None)


def main():
    arguments = sys.argv[1:]
    given = None
    if "--parameter-overrides" in arguments:  # one set of values for every template named
        at = arguments.index("--parameter-overrides")
        given = dict(item.split("=", 1) for item in arguments[at + 1].split())
        del arguments[at:at + 2]
    runner, templates = arguments[0], arguments[1:]
    cases = [(template, overrides) for template in templates
             for overrides in ([given] if given is not None else [{}] + OVERRIDES.get(template.rsplit("/", 1)[-1], []))]
    failed = 0
    for template, overrides in cases:
        differences, note = check(runner, template, overrides)
        label = template + (" with " + " ".join(f"{k}={v}" for k, v in overrides.items()) if overrides else "")
        if differences:
            failed += 1
            print(f"DIFFERENT {label}")
            for difference in differences:
                print(f"  {difference}")
        else:
            print(f"same      {label}" + (f" ({note})" if note else ""))
    print(f"{len(cases) - failed} of {len(cases)} readings the same as SAM's")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
