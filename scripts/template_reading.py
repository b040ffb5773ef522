"""SAM's own reading of a template: what AWS will deploy, derived from the CloudFormation that SAM's
translator (samtranslator, which `sam build` and `sam deploy` run) makes of it, with the values
CloudFormation would give its intrinsics resolved by SAM CLI's own resolver. Nothing here reads
the template the way local-runner does; compare-template-reading.py sets the two side by side.

The reading has local-runner's `describe` shape: functions (timeout, memory, reserved
concurrency, environment with null for what only a deploy knows, log format and level), routes,
authorizers (with whether API Gateway may invoke them) and CORS.
"""
import copy
import os
import re

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

from samcli.lib.intrinsic_resolver.intrinsic_property_resolver import IntrinsicResolver  # noqa: E402
from samcli.lib.intrinsic_resolver.intrinsics_symbol_table import IntrinsicsSymbolTable  # noqa: E402
from samcli.lib.cfn_language_extensions.sam_integration import expand_language_extensions  # noqa: E402
from samcli.yamlhelper import yaml_parse  # noqa: E402
from samtranslator.translator.transform import transform  # noqa: E402

# The account local-runner answers as; given to both readings so that neither invents its own.
ACCOUNT_ID = "000000000000"
# API Gateway's integration timeouts when a route sets none (HTTP APIs 30 s, REST APIs 29 s).
DEFAULT_TIMEOUT_MS = {"2.0": 30000, "1.0": 29000}
# Lambda's defaults for a function that sets no Timeout or MemorySize.
DEFAULT_TIMEOUT_S, DEFAULT_MEMORY_MB = 3, 128
UNKNOWN = object()


class _NoManagedPolicies:
    """The translator asks IAM for managed policy ARNs; no policy matters to the reading."""

    def load(self):
        return {}


def load(path):
    with open(path, encoding="utf-8") as file:
        return yaml_parse(file.read())


def parameter_values(template, overrides=None):
    """Defaults, then overrides; a CommaDelimitedList or List<...> parameter is a list, as Ref gives it."""
    values = {}
    for name, parameter in (template.get("Parameters") or {}).items():
        value = (overrides or {}).get(name, parameter.get("Default"))
        if value is None:
            continue
        kind = parameter.get("Type", "String")
        if isinstance(value, str) and (kind == "CommaDelimitedList" or kind.startswith("List<")):
            value = [item.strip() for item in value.split(",")]
        values[name] = value
    return values


def translate(path, overrides=None, region="us-east-1"):
    """The CloudFormation SAM makes of the template at `path`, as after `sam build` (images and
    code uploaded), and the parameter values used."""
    template = load(path)
    parameters = parameter_values(template, overrides)
    # AWS::LanguageExtensions (Fn::ForEach) runs before SAM's transform, here as in CloudFormation.
    template = expand_language_extensions(template, dict(parameters, **{"AWS::Region": region}), enabled=True).expanded_template
    for resource in (template.get("Resources") or {}).values():
        if not isinstance(resource, dict):
            continue
        properties = resource.setdefault("Properties", {}) if resource.get("Type", "").startswith("AWS::Serverless::") else {}
        if resource.get("Type") == "AWS::Serverless::Function":
            if properties.get("PackageType") == "Image":
                properties["ImageUri"] = "000000000000.dkr.ecr.us-east-1.amazonaws.com/function:latest"
            elif "InlineCode" not in properties:
                properties["CodeUri"] = "s3://bucket/function.zip"
        elif resource.get("Type") == "AWS::Serverless::LayerVersion":
            properties["ContentUri"] = "s3://bucket/layer.zip"
    os.environ["AWS_DEFAULT_REGION"] = region
    translated = transform(copy.deepcopy(template), dict(parameters, **{"AWS::Region": region}), _NoManagedPolicies())
    return translated, parameters


class _Values:
    """CloudFormation's value of a property, by SAM CLI's intrinsic resolver; UNKNOWN where only a
    deploy knows it (a resource's Ref or attribute, an import, a dynamic reference)."""

    def __init__(self, translated, parameters, region):
        symbols = dict(parameters)
        symbols.update({"AWS::Region": region, "AWS::AccountId": ACCOUNT_ID, "AWS::Partition": "aws",
                        "AWS::URLSuffix": "amazonaws.com", "AWS::StackName": "local"})
        # Resolvers that know no resource (an empty one means SAM CLI's defaults, which invent
        # ARNs and names for resources): a resource's Ref or attribute stays unknown.
        nothing = {"(no resource type)": {}}
        table = IntrinsicsSymbolTable(template=translated, logical_id_translator=symbols,
                                      default_type_resolver=nothing, common_attribute_resolver=nothing)
        self.resolver = IntrinsicResolver(template=translated, symbol_resolver=table)

    def __call__(self, value):
        try:
            resolved = self.resolver.intrinsic_property_resolver(value, ignore_errors=False)
        except Exception:  # the resolver's way of saying a symbol is not known locally
            return UNKNOWN
        if _contains(resolved, lambda text: "{{resolve:" in text or re.search(r"\$\{[^!]", text)):
            return UNKNOWN
        return resolved


def _contains(value, test):
    if isinstance(value, str):
        return bool(test(value))
    if isinstance(value, list):
        return any(_contains(item, test) for item in value)
    if isinstance(value, dict):
        return any(_contains(item, test) for item in value.values())
    return False


def _referenced(value):
    """The logical id `Ref`, `Fn::GetAtt` or a one-name `Fn::Sub` points at."""
    if isinstance(value, dict) and len(value) == 1:
        (function, argument), = value.items()
        if function == "Ref" and isinstance(argument, str):
            return argument
        if function == "Fn::GetAtt":
            return argument[0] if isinstance(argument, list) else str(argument).split(".")[0]
        if function == "Fn::Sub":
            text = argument if isinstance(argument, str) else argument[0]
            if isinstance(argument, list) and len(argument) > 1:
                for variable in argument[1].values():
                    found = _referenced(variable)
                    if found:
                        return found
            names = {name.split(".")[0] for name in re.findall(r"\$\{([^}!]+)\}", text) if not name.startswith("AWS::")}
            return names.pop() if len(names) == 1 else None
    return None


def _known(value):
    return None if value is UNKNOWN else value


def _integer(value, default):
    return int(value) if value not in (None, UNKNOWN) and str(value).lstrip("-").isdigit() else default


def _functions(translated, value):
    functions = {}
    for logical_id, resource in translated["Resources"].items():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        properties = resource.get("Properties", {})
        environment = {}
        for name, raw in (properties.get("Environment", {}).get("Variables") or {}).items():
            resolved = value(raw)
            if resolved is None:  # AWS::NoValue
                continue
            environment[name] = resolved if isinstance(resolved, str) else None if resolved is UNKNOWN else str(resolved)
        logging = properties.get("LoggingConfig") or {}
        log_format = _known(value(logging.get("LogFormat"))) if logging.get("LogFormat") is not None else None
        reserved = value(properties.get("ReservedConcurrentExecutions"))
        functions[logical_id] = {
            "timeout": _integer(value(properties.get("Timeout")), DEFAULT_TIMEOUT_S),
            "memorySize": _integer(value(properties.get("MemorySize")), DEFAULT_MEMORY_MB),
            "reservedConcurrency": _integer(reserved, None),
            "environment": environment,
            "logFormat": log_format,
            # Lambda applies ApplicationLogLevel (INFO when unset) to the JSON format only.
            "logLevel": (_known(value(logging.get("ApplicationLogLevel"))) or "INFO") if log_format == "JSON" else None,
        }
    return functions


def _operations(body):
    for path, item in (body.get("paths") or {}).items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "x-amazon-apigateway-integration" in operation:
                yield path, "ANY" if method == "x-amazon-apigateway-any-method" else method.upper(), operation


def _routes_and_authorizers(translated, value):
    routes, authorizers = [], []
    for api_id, resource in translated["Resources"].items():
        if resource["Type"] == "AWS::ApiGatewayV2::Api":
            version = "2.0"
        elif resource["Type"] == "AWS::ApiGateway::RestApi":
            version = "1.0"
        else:
            continue
        body = resource.get("Properties", {}).get("Body") or {}
        for path, method, operation in _operations(body):
            integration = operation["x-amazon-apigateway-integration"]
            if integration.get("type") != "aws_proxy":  # SAM's mock OPTIONS for a REST API's Cors
                continue
            security = [name for requirement in operation.get("security") or [] for name in requirement if name != "NONE"]
            routes.append({
                "api": api_id, "method": "ANY" if path == "$default" else method, "path": path,
                "payloadVersion": str(integration.get("payloadFormatVersion", version)),
                "function": _referenced(integration.get("uri")),
                "authorizer": security[0] if security else None,
                "timeoutInMillis": _integer(value(integration.get("timeoutInMillis")), DEFAULT_TIMEOUT_MS[version]),
            })
        schemes = (body.get("components") or {}).get("securitySchemes") or body.get("securityDefinitions") or {}
        for name, scheme in schemes.items():
            authorizer = scheme.get("x-amazon-apigateway-authorizer") or {}
            if authorizer.get("type") != "request" or version != "2.0":
                continue
            sources = authorizer.get("identitySource", [])
            if isinstance(sources, str):
                sources = [source.strip() for source in sources.split(",") if source.strip()]
            function = _referenced(authorizer.get("authorizerUri"))
            ttl = authorizer.get("authorizerResultTtlInSeconds")
            authorizers.append({
                "api": api_id, "name": name, "function": function, "identitySource": sources,
                # Absent: API Gateway's default, 300 s (its API reference); caching needs sources.
                "ttlSeconds": (_integer(value(ttl), 0) if ttl is not None else 300) if sources else 0,
                "simpleResponses": bool(authorizer.get("enableSimpleResponses")),
                "apiGatewayMayInvoke": "authorizerCredentials" in authorizer or _permitted(translated, function, api_id),
            })
    return routes, authorizers


def _permitted(translated, function, api_id):
    """Whether an AWS::Lambda::Permission lets API Gateway invoke `function` from `api_id`."""
    for resource in translated["Resources"].values():
        properties = resource.get("Properties", {})
        if resource["Type"] != "AWS::Lambda::Permission" or _referenced(properties.get("FunctionName")) != function:
            continue
        principal = properties.get("Principal")
        principal = principal.get("Fn::Sub") if isinstance(principal, dict) else principal
        source = properties.get("SourceArn")
        if str(principal).startswith("apigateway.") and (source is None or api_id in str(source)):
            return True
    return False


def _cors(translated, value):
    configurations = []
    for resource in translated["Resources"].values():
        if resource["Type"] != "AWS::ApiGatewayV2::Api":
            continue
        cors = (resource.get("Properties", {}).get("Body") or {}).get("x-amazon-apigateway-cors")
        if cors is None:
            continue
        cors = value(cors)
        if cors is UNKNOWN:
            configurations.append(UNKNOWN)
            continue

        def listed(key):
            items = cors.get(key) or []
            return [items] if isinstance(items, str) else [str(item) for item in items]
        configurations.append({
            "allowOrigins": listed("allowOrigins"), "allowMethods": listed("allowMethods"),
            "allowHeaders": listed("allowHeaders"), "exposeHeaders": listed("exposeHeaders"),
            "maxAge": _integer(cors.get("maxAge"), None), "allowCredentials": bool(cors.get("allowCredentials")),
        })
    return configurations


def reading(path, overrides=None, region="us-east-1"):
    """SAM's reading of the template at `path` in local-runner's `describe` shape; `cors` is the
    list of every HTTP API's configuration, and `translated` the CloudFormation it came from."""
    translated, parameters = translate(path, overrides, region)
    value = _Values(translated, parameters, region)
    routes, authorizers = _routes_and_authorizers(translated, value)
    return {"functions": _functions(translated, value), "routes": routes, "authorizers": authorizers,
            "cors": _cors(translated, value), "translated": translated}


def invoke_permission_problems(translated):
    """Every function API Gateway invokes, through a route or an authorizer, needs a permission
    for apigateway.amazonaws.com on that API (or the authorizer a role to invoke it with); one
    without is a 500 on AWS for every request that reaches it."""
    value = _Values(translated, {}, "us-east-1")
    routes, authorizers = _routes_and_authorizers(translated, value)
    problems = []
    for route in routes:
        if not _permitted(translated, route["function"], route["api"]):
            problems.append(f"{route['api']}: route {route['method']} {route['path']} invokes {route['function']}, "
                            "which has no AWS::Lambda::Permission for apigateway.amazonaws.com")
    for authorizer in authorizers:
        if not authorizer["apiGatewayMayInvoke"]:
            problems.append(f"{authorizer['api']}: authorizer {authorizer['name']} invokes {authorizer['function']}, which has no "
                            "AWS::Lambda::Permission for apigateway.amazonaws.com and no FunctionInvokeRole: set "
                            "EnableFunctionDefaultPermissions: true on the authorizer")
    return problems
