#!/usr/bin/env python3
"""Every `sam deploy ... --parameter-overrides ...` line of the docs, parsed by SAM CLI's own parser
(samcli.cli.types.CfnParameterOverridesType, what `sam deploy` runs) after the shell has split it,
with each `<placeholder>` filled in: each must parse, name only parameters of template.yaml, give
the parameters without a default, and fit their AllowedPattern.

    check-deploy-commands.py FILE...      (run with SAM CLI's Python, from the project's root)
"""
import re
import shlex
import sys

from samcli.cli.types import CfnParameterOverridesType
from samcli.yamlhelper import yaml_parse

# What a reader puts in place of each placeholder: values of the forms the docs ask for.
PLACEHOLDERS = {
    "VersionId": "a1b2c3d4-5678-90ab-cdef-111111111111",
    "client id": "12345",
}


def filled(text):
    def value(match):
        words = match.group(1)
        return next((sample for key, sample in PLACEHOLDERS.items() if key in words), "sample")
    return re.sub(r"<([^>]+)>", value, text)


def commands(path):
    """Each `sam deploy` command in the file's shell blocks, with continuation lines joined."""
    text = open(path, encoding="utf-8").read()
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            line = line.split(" #")[0].strip()
            if line.startswith("sam deploy") and "--parameter-overrides" in line:
                yield line


def main():
    template = yaml_parse(open("template.yaml", encoding="utf-8").read())
    parameters = template["Parameters"]
    required = {name for name, parameter in parameters.items() if "Default" not in parameter}
    problems, checked = [], 0
    for path in sys.argv[1:]:
        for command in commands(path):
            checked += 1
            words = shlex.split(filled(command))
            at = words.index("--parameter-overrides")
            overrides = []
            for word in words[at + 1:]:
                if word.startswith("--"):
                    break
                overrides.append(word)
            try:
                given = CfnParameterOverridesType().convert(tuple(overrides), None, None)
            except Exception as error:  # click's BadParameter: what `sam deploy` would print
                problems.append(f"{path}: SAM CLI refuses `{command}`: {error}")
                continue
            for name, value in given.items():
                if name not in parameters:
                    problems.append(f"{path}: `{command}` names {name}, not a parameter of template.yaml")
                elif not re.fullmatch(parameters[name].get("AllowedPattern", ".*"), value):
                    problems.append(f"{path}: `{command}` gives {name} '{value}', outside {parameters[name]['AllowedPattern']}")
            for name in required - set(given):
                problems.append(f"{path}: `{command}` does not give {name}, which has no default")
    for problem in problems:
        print(problem)
    print(f"sam deploy commands: {checked} checked with SAM CLI's parser, {len(problems)} problems")
    return 1 if problems or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
