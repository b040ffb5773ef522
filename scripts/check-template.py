#!/usr/bin/env python3
"""What a template promises about secrets, permissions, the authorizer and the images, checked on
the template and on SAM's own translation of it (template_reading.py: samtranslator, as `sam
deploy` runs it):

- no secret value in the template: no NoEcho parameter, and every secret variable of every
  function is a Secrets Manager dynamic reference resolved at deploy time;
- the functions' environment is encrypted with the stack's customer managed KMS key;
- API Gateway may invoke every function it calls, through a route or an authorizer;
- the authorizer has no identity source and no cache, as SAM writes it for API Gateway;
- each function's image is its own Dockerfile stage; token functions' stages are FROM scratch.

    check-template.py [TEMPLATE]     (default template.yaml; run from the project's root)
"""
import re
import sys

from template_reading import invoke_permission_problems, load, translate

SECRET_VARIABLES = {"JWT_SECRET", "JWT_SECRET_PREVIOUS", "CLIENT_SECRET", "ADMIN_CLIENT_SECRET", "BUNGIE_CLIENT_SECRET", "BUNGIE_API_KEY"}
TOKEN_FUNCTIONS = {"authorize-user", "authorize-admin", "authorizer", "whoami"}
path = sys.argv[1] if len(sys.argv) > 1 else "template.yaml"
problems = []
template = load(path)


def dynamic_references(value):
    """The Secrets Manager references a variable's value can take, or None if one is not."""
    if isinstance(value, dict) and "Fn::Sub" in value and isinstance(value["Fn::Sub"], str):
        return [value["Fn::Sub"]] if value["Fn::Sub"].startswith("{{resolve:secretsmanager:") else None
    if isinstance(value, dict) and "Fn::If" in value:
        branches = [dynamic_references(branch) if branch != "" else [] for branch in value["Fn::If"][1:]]
        return None if any(b is None for b in branches) else sum(branches, [])
    return None


for name, parameter in template.get("Parameters", {}).items():
    if parameter.get("NoEcho"):
        problems.append(f"parameter {name} is NoEcho: secrets must not pass through parameters")
if "KmsKeyArn" not in template["Globals"]["Function"]:
    problems.append("Globals.Function.KmsKeyArn is not set: environments would use the AWS managed key")

stages = {stage: image for image, stage in re.findall(r"^FROM\s+(\S+)\s+AS\s+(\S+)", open("Dockerfile").read(), re.M | re.I)}
for name, resource in template["Resources"].items():
    if resource["Type"] != "AWS::Serverless::Function":
        continue
    for variable, value in resource["Properties"].get("Environment", {}).get("Variables", {}).items():
        if variable in SECRET_VARIABLES and dynamic_references(value) is None:
            problems.append(f"{name}: {variable} is not a Secrets Manager dynamic reference")
    target = resource.get("Metadata", {}).get("DockerBuildTarget")
    if target not in stages:
        problems.append(f"{name}: DockerBuildTarget {target!r} is not a stage of the Dockerfile")
    elif target in TOKEN_FUNCTIONS and stages[target] != "scratch":
        problems.append(f"{name}: the {target} stage is FROM {stages[target]}, not scratch")

# SAM's translation: what API Gateway will be given, and what it may invoke.
translated, parameters = translate(path, {"SecretVersion": "0" * 32, "BungieClientId": "0"})
problems += invoke_permission_problems(translated, parameters)
for name, resource in translated["Resources"].items():
    if resource["Type"] != "AWS::ApiGatewayV2::Api":
        continue
    for scheme, definition in resource["Properties"]["Body"]["components"]["securitySchemes"].items():
        authorizer = definition["x-amazon-apigateway-authorizer"]
        if authorizer.get("identitySource") != [] or authorizer.get("authorizerResultTtlInSeconds") != 0:
            problems.append(f"{scheme}: identitySource {authorizer.get('identitySource')} and TTL "
                            f"{authorizer.get('authorizerResultTtlInSeconds')}: expected none and 0 (docs/decisions.md)")

for problem in problems:
    print(problem)
print(f"template checks of {path}: {len(problems)} problems")
sys.exit(1 if problems else 0)
