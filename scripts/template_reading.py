"""SAM's own reading of a template: what AWS will deploy, derived from the CloudFormation that SAM's
translator (samtranslator, which `sam build` and `sam deploy` run) makes of it, with the values
CloudFormation would give its intrinsics resolved by SAM CLI's own resolver. Nothing here reads
the template the way local-runner does; compare-template-reading.py sets the two side by side.

The reading has local-runner's `describe` shape: functions (timeout, memory, reserved
concurrency, environment with null for what only a deploy knows, log format and level), routes,
authorizers (with whether API Gateway may invoke them) and CORS.
"""
import copy
import fnmatch
import json
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
        values[name] = _texts(value)  # a parameter's value is text (a Number's default 256 is "256")
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


class _Unknown(Exception):
    """A symbol only a deploy knows."""


class _DeployTimeSymbols(IntrinsicsSymbolTable):
    """SAM CLI's symbol table, told what it cannot know: a resource's Ref or attribute (SAM CLI
    would invent an ARN or a name), an SSM parameter's value (read at deploy)."""

    def __init__(self, template, symbols, unknown):
        nothing = {"(no resource type)": {}}  # an empty one would mean SAM CLI's inventing defaults
        super().__init__(template=template, logical_id_translator=symbols, default_type_resolver=nothing,
                         common_attribute_resolver=nothing)
        self.unknown = unknown

    def resolve_symbols(self, logical_id, resource_attribute, ignore_errors=False):
        if logical_id in self.unknown:
            raise _Unknown(logical_id)
        return super().resolve_symbols(logical_id, resource_attribute, ignore_errors=False)


class _Values:
    """CloudFormation's value of a property, by SAM CLI's intrinsic resolver; UNKNOWN where only a
    deploy knows it (a resource's Ref or attribute, an import, an SSM parameter, a dynamic
    reference). `named` gives resources a stand-in text, to read a pattern naming them."""

    def __init__(self, translated, parameters, region, named=None):
        symbols = {name: value for name, value in parameters.items()}
        symbols.update({"AWS::Region": region, "AWS::AccountId": ACCOUNT_ID, "AWS::Partition": "aws",
                        "AWS::URLSuffix": "amazonaws.com", "AWS::StackName": "local"})
        for resource, text in (named or {}).items():
            symbols[resource] = {"Ref": text, "ApiId": text, "Arn": text}
        unknown = {name for name, parameter in (translated.get("Parameters") or {}).items()
                   if str(parameter.get("Type", "")).startswith("AWS::SSM::Parameter::")}
        self.translated, self.parameters, self.region = translated, parameters, region
        # Conditions compare texts, as CloudFormation's do: YAML's `true` is "true" there.
        template = dict(translated, Conditions=_texts(translated.get("Conditions") or {}))
        self.resolver = IntrinsicResolver(template=template, symbol_resolver=_DeployTimeSymbols(template, symbols, unknown))

    def naming(self, named):
        return _Values(self.translated, self.parameters, self.region, named)

    def __call__(self, value):
        try:
            resolved = self.resolver.intrinsic_property_resolver(self._prepared(value), ignore_errors=False)
        except Exception:  # the resolver's way of saying a symbol is not known locally
            return UNKNOWN
        if _contains(resolved, lambda text: "{{resolve:" in text):
            return UNKNOWN
        return _unescaped(resolved)

    def chosen(self, node):
        """The branch an Fn::If takes (following nested ones), without resolving it: None for
        AWS::NoValue, or a condition not known here."""
        while isinstance(node, dict) and set(node) == {"Fn::If"} and isinstance(node["Fn::If"], list) and len(node["Fn::If"]) == 3:
            holds = self.condition(node["Fn::If"][0])
            if holds is None:
                return None
            node = node["Fn::If"][1 if holds else 2]
        return None if node == {"Ref": "AWS::NoValue"} else node

    def condition(self, name):
        """Whether the template's condition `name` holds (None: not known)."""
        try:
            return self.resolver.intrinsic_property_resolver({"Fn::If": [name, True, False]}, ignore_errors=False)
        except Exception:
            return None

    def _prepared(self, value):
        """The value in the form CloudFormation reads: YAML's booleans and numbers as their text;
        an index of Fn::Select as a number; an Fn::Sub's own variables put in first (SAM CLI's
        resolver looks their values up as names); an Fn::If's chosen branch alone (SAM CLI's
        resolves both, and fails on an AWS::NoValue or an unknown in the other)."""
        if isinstance(value, (bool, int, float)):
            return _texts(value)
        if isinstance(value, list):
            return [self._prepared(item) for item in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"Fn::If"} and isinstance(value["Fn::If"], list) and len(value["Fn::If"]) == 3:
            holds = self.condition(value["Fn::If"][0])
            if holds is None:
                raise _Unknown(value["Fn::If"][0])
            return self._prepared(value["Fn::If"][1 if holds else 2])
        if set(value) == {"Fn::Select"} and isinstance(value["Fn::Select"], list) and len(value["Fn::Select"]) == 2:
            index = self(value["Fn::Select"][0])  # CloudFormation takes "1" (a Number parameter's text) as 1
            if not isinstance(index, str) or not index.isdigit():
                raise _Unknown("Fn::Select")
            return {"Fn::Select": [int(index), self._prepared(value["Fn::Select"][1])]}
        if set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], list) and len(value["Fn::Sub"]) == 2:
            text, variables = value["Fn::Sub"]
            for name, variable in (variables or {}).items():
                resolved = self(variable)
                if not isinstance(resolved, str):
                    raise _Unknown(name)
                text = text.replace("${" + name + "}", resolved.replace("${", "${!"))
            return {"Fn::Sub": text}
        return {key: self._prepared(item) for key, item in value.items()}


def _texts(value):
    """YAML's booleans and numbers as the texts CloudFormation compares: `true` is "true"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return [_texts(item) for item in value]
    if isinstance(value, dict):
        return {key: _texts(item) for key, item in value.items()}
    return value


def _unescaped(value):
    """`${!Literal}` as Fn::Sub leaves it: `${Literal}` (SAM CLI's resolver keeps the `!`)."""
    if isinstance(value, str):
        return value.replace("${!", "${")
    if isinstance(value, list):
        return [_unescaped(item) for item in value]
    return value


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


def _deployed(translated, value):
    """The resources CloudFormation creates: those without a Condition, or whose Condition holds
    (or cannot be known here)."""
    return {logical_id: resource for logical_id, resource in translated["Resources"].items()
            if "Condition" not in resource or value.condition(resource["Condition"]) is not False}


def _functions(resources, value):
    functions = {}
    for logical_id, resource in resources.items():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        properties = resource.get("Properties", {})
        environment = {}
        variables = properties.get("Environment", {}).get("Variables") or {}
        if isinstance(variables, dict) and len(variables) == 1 and next(iter(variables)).startswith("Fn::"):
            variables = value(variables)  # an Fn::If choosing the whole map
        for name, raw in (variables if isinstance(variables, dict) else {}).items():
            resolved = value(raw)
            if resolved is None:  # AWS::NoValue
                continue
            environment[name] = resolved if isinstance(resolved, str) else None if resolved is UNKNOWN else str(resolved)
        logging = value(properties.get("LoggingConfig")) or {}
        logging = logging if isinstance(logging, dict) else {}
        log_format = _known(logging.get("LogFormat"))
        functions[logical_id] = {
            "timeout": _integer(value(properties.get("Timeout")), DEFAULT_TIMEOUT_S),
            "memorySize": _integer(value(properties.get("MemorySize")), DEFAULT_MEMORY_MB),
            "reservedConcurrency": _integer(value(properties.get("ReservedConcurrentExecutions")), None),
            "environment": environment,
            "logFormat": log_format,
            # Lambda applies ApplicationLogLevel (INFO when unset) to the JSON format only.
            "logLevel": (_known(logging.get("ApplicationLogLevel")) or "INFO") if log_format == "JSON" else None,
        }
    return functions


def _operations(body, value):
    # A function with a Condition: SAM wraps its path, its operation and its URI in Fn::If.
    for path, item in (body.get("paths") or {}).items():
        for method, operation in (value.chosen(item) or {}).items():
            operation = value.chosen(operation)
            if isinstance(operation, dict) and "x-amazon-apigateway-integration" in operation:
                yield path, "ANY" if method == "x-amazon-apigateway-any-method" else method.upper(), operation


def _apis(resources):
    for api_id, resource in resources.items():
        if resource["Type"] in ("AWS::ApiGatewayV2::Api", "AWS::ApiGateway::RestApi"):
            yield api_id, "2.0" if resource["Type"] == "AWS::ApiGatewayV2::Api" else "1.0", resource.get("Properties", {}).get("Body") or {}


def _routes_and_authorizers(resources, value):
    routes, authorizers = [], []
    for api_id, version, body in _apis(resources):
        for path, method, operation in _operations(body, value):
            integration = operation["x-amazon-apigateway-integration"]
            if integration.get("type") != "aws_proxy":  # SAM's mock OPTIONS for a REST API's Cors
                continue
            security = [name for requirement in operation.get("security") or [] for name in requirement if name != "NONE"]
            routes.append({
                "api": api_id, "method": "ANY" if path == "$default" else method, "path": path,
                "payloadVersion": str(integration.get("payloadFormatVersion", version)),
                "function": _referenced(value.chosen(integration.get("uri"))),
                "authorizer": security[0] if security else None,
                "timeoutInMillis": _integer(value(integration.get("timeoutInMillis")), DEFAULT_TIMEOUT_MS[version]),
            })
        schemes = (body.get("components") or {}).get("securitySchemes") or body.get("securityDefinitions") or {}
        for name, scheme in schemes.items():
            authorizer = scheme.get("x-amazon-apigateway-authorizer") or {}
            if authorizer.get("type") != "request" or version != "2.0":
                continue
            sources = value(authorizer.get("identitySource", []))
            if isinstance(sources, str):
                sources = [source.strip() for source in sources.split(",") if source.strip()]
            function = _referenced(authorizer.get("authorizerUri"))
            ttl = value(authorizer["authorizerResultTtlInSeconds"]) if "authorizerResultTtlInSeconds" in authorizer else None
            credentials = value(authorizer["authorizerCredentials"]) if "authorizerCredentials" in authorizer else None
            authorizers.append({
                "api": api_id, "name": name, "function": function, "identitySource": sources or [],
                # Absent: API Gateway's default, 300 s (its API model); caching needs sources.
                "ttlSeconds": (_integer(ttl, 0) if ttl is not None else 300) if sources else 0,
                "simpleResponses": bool(authorizer.get("enableSimpleResponses")),
                "apiGatewayMayInvoke": credentials not in (None, "", "NONE")
                or _permitted(resources, value, function, api_id, "authorizers/authorizer"),
            })
    return routes, authorizers


def _permitted(resources, value, function, api_id, invoked_as):
    """Whether an AWS::Lambda::Permission lets API Gateway invoke `function` from `api_id` as
    `invoked_as` (`authorizers/ID`, or `STAGE/METHOD/PATH` for a route): its action, its
    principal, its function (by reference, or by the FunctionName the function is given), and
    its SourceArn matched as IAM's ArnLike matches it."""
    own_name = _known(value(resources.get(function, {}).get("Properties", {}).get("FunctionName")))
    stand_in = "api-" + api_id.lower()
    source_arn = f"arn:aws:execute-api:{value.region}:{ACCOUNT_ID}:{stand_in}/{invoked_as}"
    for resource in resources.values():
        properties = resource.get("Properties", {})
        if resource["Type"] != "AWS::Lambda::Permission":
            continue
        if str(_known(value(properties.get("Action")))).lower() not in ("lambda:invokefunction", "lambda:*"):
            continue
        if _known(value(properties.get("Principal"))) != "apigateway.amazonaws.com":
            continue
        named = _known(value(properties.get("FunctionName")))
        if _referenced(properties.get("FunctionName")) != function and not (
                own_name and isinstance(named, str) and (named == own_name or named.endswith(":function:" + own_name))):
            continue
        if "SourceArn" not in properties:
            return True
        pattern = value.naming({api_id: stand_in})(properties["SourceArn"])
        if isinstance(pattern, str) and fnmatch.fnmatchcase(source_arn, pattern):
            return True
    return False


def _cors(resources, value):
    configurations = {}
    for api_id, version, body in _apis(resources):
        if version != "2.0" or body.get("x-amazon-apigateway-cors") is None:
            continue
        cors = value(body["x-amazon-apigateway-cors"])
        if not isinstance(cors, dict):
            configurations[api_id] = "not a CORS configuration: " + json.dumps(_known(cors))
            continue

        def listed(key):
            items = cors.get(key) or []
            return [items] if isinstance(items, str) else [str(item) for item in items]
        configurations[api_id] = {
            "allowOrigins": listed("allowOrigins"), "allowMethods": listed("allowMethods"),
            "allowHeaders": listed("allowHeaders"), "exposeHeaders": listed("exposeHeaders"),
            "maxAge": _integer(cors.get("maxAge"), None), "allowCredentials": cors.get("allowCredentials") in (True, "true"),
        }
    return configurations


def reading(path, overrides=None, region="us-east-1"):
    """SAM's reading of the template at `path` in local-runner's `describe` shape, and the
    CloudFormation it came from (`translated`)."""
    translated, parameters = translate(path, overrides, region)
    value = _Values(translated, parameters, region)
    resources = _deployed(translated, value)
    routes, authorizers = _routes_and_authorizers(resources, value)
    return {"functions": _functions(resources, value), "routes": routes, "authorizers": authorizers,
            "cors": _cors(resources, value), "translated": translated}


def invoke_permission_problems(translated, parameters=None, region="us-east-1"):
    """Every function API Gateway invokes, through a route or an authorizer, needs a permission
    for apigateway.amazonaws.com on that API (or the authorizer a role to invoke it with); one
    without is a 500 on AWS for every request that reaches it."""
    value = _Values(translated, parameters or {}, region)
    resources = _deployed(translated, value)
    routes, authorizers = _routes_and_authorizers(resources, value)
    problems = []
    for route in routes:
        path = re.sub(r"\{[^}/]+\}", "x", route["path"]).lstrip("/")
        method = "GET" if route["method"] == "ANY" else route["method"]
        if not _permitted(resources, value, route["function"], route["api"], f"$default/{method}/{path}"):
            problems.append(f"{route['api']}: route {route['method']} {route['path']} invokes {route['function']}, "
                            "which has no AWS::Lambda::Permission for apigateway.amazonaws.com")
    for authorizer in authorizers:
        if not authorizer["apiGatewayMayInvoke"]:
            problems.append(f"{authorizer['api']}: authorizer {authorizer['name']} invokes {authorizer['function']}, which has no "
                            "AWS::Lambda::Permission for apigateway.amazonaws.com and no FunctionInvokeRole: set "
                            "EnableFunctionDefaultPermissions: true on the authorizer")
    return problems
