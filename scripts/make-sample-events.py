#!/usr/bin/env python3
"""Writes every function's sample events and the exact answer each must get.

The answers are written from the contract (docs/contract.md), and the authorizer's tokens are
signed here with Python's hmac, so no expectation comes from the code under test. Answers that
depend on the clock carry placeholders that the process tests fill in after checking the values:
<minted> (the answer's instant), <token> (a token the test verifies) and <expires> (its exp).

Run from the repository root: python3 scripts/make-sample-events.py
"""
import base64
import hashlib
import hmac
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEV = json.load(open(os.path.join(ROOT, "local-runner", "env.json")))["Parameters"]
ARN = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod"


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(claims, secret=DEV["JWT_SECRET"]):
    signing_input = b64url(b'{"alg":"HS256","typ":"JWT"}') + "." + b64url(compact(claims).encode())
    mac = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64url(mac)


def http_event(version, method, path, body, base64_body=False, headers=None):
    headers = dict(headers or {"content-type": "application/json"})
    text = base64.b64encode(body.encode()).decode() if base64_body else body
    if version == 2:
        return {"version": "2.0", "routeKey": f"{method} {path}", "rawPath": path, "rawQueryString": "",
                "headers": headers,
                "requestContext": {"accountId": "123456789012", "apiId": "abcdef1234", "domainName": "abcdef1234.execute-api.us-east-1.amazonaws.com",
                                   "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7", "userAgent": "curl/8.5.0"},
                                   "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "routeKey": f"{method} {path}", "stage": "$default",
                                   "time": "03/Mar/2024:23:30:00 +0000", "timeEpoch": 1709508600000},
                "body": text, "isBase64Encoded": base64_body}
    return {"resource": path, "path": path, "httpMethod": method,
            "headers": {k.title(): v for k, v in headers.items()},
            "multiValueHeaders": {k.title(): [v] for k, v in headers.items()},
            "queryStringParameters": None, "multiValueQueryStringParameters": None, "pathParameters": None,
            "requestContext": {"accountId": "123456789012", "apiId": "abcdef1234", "httpMethod": method, "path": "/prod" + path,
                               "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "resourcePath": path, "stage": "prod",
                               "identity": {"sourceIp": "203.0.113.7", "userAgent": "curl/8.5.0"}},
            "body": text, "isBase64Encoded": base64_body}


def http_answer(version, status, envelope, extra_headers=None):
    headers = {"Content-Type": "application/json", **(extra_headers or {})}
    headers = dict(sorted(headers.items()))
    answer = {"statusCode": status, "headers": headers}
    if version == 1:
        answer["multiValueHeaders"] = {k: [v] for k, v in headers.items()}
    answer["body"] = compact(envelope)
    answer["isBase64Encoded"] = False
    return answer


def failure(code, error):
    return {"minted": "<minted>", "success": False, "code": code, "error": error}


SUCCESS = {"minted": "<minted>", "success": True, "response": {"value": "<token>", "expires": "<expires>"}}


def endpoint_cases(path, good_body, wrong_secret_body):
    too_large = '{"bungieMembershipId":"1","padding":"' + "x" * 65536 + '"}'
    invalid = '{"bungieMembershipId":"123n"}'
    cases = {}
    for version, prefix in [(2, "http-v2"), (1, "rest-v1")]:
        cases[f"{prefix}-success"] = (http_event(version, "POST", path, good_body), http_answer(version, 200, SUCCESS))
        cases[f"{prefix}-success-base64-body"] = (http_event(version, "POST", path, good_body, base64_body=True), http_answer(version, 200, SUCCESS))
        cases[f"{prefix}-invalid-client-secret"] = (http_event(version, "POST", path, wrong_secret_body),
                                                    http_answer(version, 403, failure("InvalidClientSecretError", {})))
        cases[f"{prefix}-payload-too-large"] = (http_event(version, "POST", path, too_large),
                                                http_answer(version, 413, failure("PayloadTooLargeError", {"limit": 65536})))
        cases[f"{prefix}-method-not-allowed"] = (http_event(version, "GET", path, ""),
                                                 http_answer(version, 405, failure("MethodNotAllowedError", {"allowed": ["POST"]}), {"Allow": "POST"}))
        cases[f"{prefix}-invalid-body"] = (http_event(version, "POST", path, invalid), None)
    return cases


def user_cases():
    good = compact({"bungieMembershipId": "12345678", "destinyMembershipIds": ["4611686018488107374", "4611686018488107375"],
                    "clientSecret": DEV["CLIENT_SECRET"]})
    wrong = compact({"bungieMembershipId": "12345678", "destinyMembershipIds": [], "clientSecret": "not-the-secret"})
    cases = endpoint_cases("/authorize/user", good, wrong)
    issues = [{"path": ["bungieMembershipId"], "code": "invalid_string", "message": "Expected a membership id: decimal digits only"},
              {"path": ["destinyMembershipIds"], "code": "invalid_type", "message": "Required"},
              {"path": ["clientSecret"], "code": "invalid_type", "message": "Required"}]
    return fill_invalid(cases, issues)


def admin_cases():
    good = compact({"bungieMembershipId": "12345678", "adminClientSecret": DEV["ADMIN_CLIENT_SECRET"]})
    wrong = compact({"bungieMembershipId": "12345678", "adminClientSecret": DEV["CLIENT_SECRET"]})
    cases = endpoint_cases("/authorize/admin", good, wrong)
    issues = [{"path": ["bungieMembershipId"], "code": "invalid_string", "message": "Expected a membership id: decimal digits only"},
              {"path": ["adminClientSecret"], "code": "invalid_type", "message": "Required"}]
    return fill_invalid(cases, issues)


def fill_invalid(cases, issues):
    for name, (event, answer) in list(cases.items()):
        if answer is None:
            version = 2 if name.startswith("http-v2") else 1
            cases[name] = (event, http_answer(version, 400, failure("BodyValidationError", {"issues": issues})))
    return cases


def authorizer_cases():
    far = 4102444800  # 2100-01-01: sample tokens must not expire
    user = token({"bungieMembershipId": "12345678", "destinyMembershipIds": ["4611686018488107374", "4611686018488107375"],
                  "isAdmin": False, "iat": 1709508600, "exp": far})
    admin = token({"bungieMembershipId": "7", "isAdmin": True, "destinyMembershipIds": [], "iat": 1709508600, "exp": far})
    expired = token({"bungieMembershipId": "12345678", "destinyMembershipIds": [], "isAdmin": False, "iat": 1709508600, "exp": 1712100600})
    forged = token({"bungieMembershipId": "12345678", "destinyMembershipIds": [], "isAdmin": True, "iat": 1709508600, "exp": far},
                   secret="an-attacker-guess-0123456789abcdef0123456789")
    user_context = {"bungieMembershipId": "12345678", "isAdmin": False, "destinyMembershipIds": "4611686018488107374,4611686018488107375"}
    admin_context = {"bungieMembershipId": "7", "isAdmin": True, "destinyMembershipIds": ""}
    # OPTIONAL_AUTH_ROUTE_PREFIXES=/player: no token is an anonymous caller, a bad one is refused.
    anonymous_context = {"bungieMembershipId": "", "isAdmin": False, "destinyMembershipIds": ""}
    profile = "/player/4611686018488107374/profile"

    def v2(path, headers):
        return {"version": "2.0", "type": "REQUEST", "routeArn": f"{ARN}/GET{path}", "identitySource": list(headers.values()),
                "routeKey": f"GET {path}", "rawPath": path, "rawQueryString": "", "headers": headers,
                "requestContext": {"accountId": "123456789012", "apiId": "abcdef1234", "http": {"method": "GET", "path": path,
                                   "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7", "userAgent": "curl/8.5.0"},
                                   "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "routeKey": f"GET {path}", "stage": "$default"}}

    def allow(context):
        return {"isAuthorized": True, "context": context}

    def policy(principal, allowed, denied, context):
        statements = []
        if allowed:
            statements.append({"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": allowed})
        if denied:
            statements.append({"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": denied})
        answer = {"principalId": principal, "policyDocument": {"Version": "2012-10-17", "Statement": statements}}
        if context:
            answer["context"] = context
        return answer

    deny = {"isAuthorized": False}
    admin_denies = [f"{ARN}/*/admin", f"{ARN}/*/admin/*"]
    return {
        "http-v2-allow-user": (v2("/players/me", {"authorization": f"Bearer {user}"}), allow(user_context)),
        "http-v2-allow-lowercase-scheme": (v2("/players/me", {"authorization": f"bearer {user}"}), allow(user_context)),
        "http-v2-allow-raidhub-header": (v2("/players/me", {"x-raidhub-user-authorization": user}), allow(user_context)),
        "http-v2-allow-admin-on-admin-route": (v2("/admin/users", {"authorization": f"Bearer {admin}"}), allow(admin_context)),
        "http-v2-deny-user-on-admin-route": (v2("/admin/users", {"authorization": f"Bearer {user}"}), deny),
        "http-v2-deny-expired": (v2("/players/me", {"authorization": f"Bearer {expired}"}), deny),
        "http-v2-deny-forged": (v2("/players/me", {"authorization": f"Bearer {forged}"}), deny),
        "http-v2-deny-malformed": (v2("/players/me", {"authorization": "Bearer not.a.jwt"}), deny),
        "http-v2-deny-missing": (v2("/players/me", {"user-agent": "curl/8.5.0"}), deny),
        "http-v2-allow-anonymous-on-optional-route": (v2(profile, {"user-agent": "curl/8.5.0"}), allow(anonymous_context)),
        "http-v2-deny-forged-on-optional-route": (v2(profile, {"authorization": f"Bearer {forged}"}), deny),
        "rest-v1-request-allow-anonymous-on-optional-route": (
            {"type": "REQUEST", "methodArn": f"{ARN}/GET{profile}", "resource": profile, "path": profile, "httpMethod": "GET",
             "headers": {"User-Agent": "curl/8.5.0"}, "requestContext": {"stage": "prod"}},
            policy("anonymous", [f"{ARN}/*/player", f"{ARN}/*/player/*"], admin_denies, anonymous_context)),
        "rest-v1-token-allow": ({"type": "TOKEN", "authorizationToken": f"Bearer {user}", "methodArn": f"{ARN}/GET/players/me"},
                                policy("12345678", [f"{ARN}/*"], admin_denies, user_context)),
        "rest-v1-token-allow-admin": ({"type": "TOKEN", "authorizationToken": f"Bearer {admin}", "methodArn": f"{ARN}/GET/admin/users"},
                                      policy("7", [f"{ARN}/*"], [], admin_context)),
        "rest-v1-token-deny-expired": ({"type": "TOKEN", "authorizationToken": f"Bearer {expired}", "methodArn": f"{ARN}/GET/players/me"},
                                       policy("anonymous", [], [f"{ARN}/*"], None)),
        "rest-v1-request-allow": ({"type": "REQUEST", "methodArn": f"{ARN}/GET/players/me", "resource": "/players/me", "path": "/players/me",
                                   "httpMethod": "GET", "headers": {"Authorization": f"Bearer {user}"}, "requestContext": {"stage": "prod"}},
                                  policy("12345678", [f"{ARN}/*"], admin_denies, user_context)),
        "rest-v1-request-deny-user-on-admin-route": ({"type": "REQUEST", "methodArn": f"{ARN}/GET/admin/users", "resource": "/admin/users",
                                                      "path": "/admin/users", "httpMethod": "GET", "headers": {"Authorization": f"Bearer {user}"},
                                                      "requestContext": {"stage": "prod"}},
                                                     policy("anonymous", [], [f"{ARN}/*"], None)),
    }


def bungie_cases():
    """Only the answers that need no Bungie.net: the function's tests cover the calls against a fake."""
    path = "/authorize/bungie"
    too_large = '{"code":"' + "x" * 65536 + '"}'
    cases = {}
    for version, prefix in [(2, "http-v2"), (1, "rest-v1")]:
        cases[f"{prefix}-missing-code"] = (http_event(version, "POST", path, "{}"), http_answer(version, 400, failure(
            "BodyValidationError", {"issues": [{"path": ["code"], "code": "invalid_type", "message": "Required"}]})))
        cases[f"{prefix}-invalid-code"] = (http_event(version, "POST", path, '{"code":"not a code"}'), http_answer(version, 400, failure(
            "BodyValidationError", {"issues": [{"path": ["code"], "code": "invalid_string", "message": "Expected visible ASCII characters only"}]})))
        cases[f"{prefix}-payload-too-large"] = (http_event(version, "POST", path, too_large),
                                                http_answer(version, 413, failure("PayloadTooLargeError", {"limit": 65536})))
        cases[f"{prefix}-method-not-allowed"] = (http_event(version, "GET", path, ""),
                                                 http_answer(version, 405, failure("MethodNotAllowedError", {"allowed": ["POST"]}), {"Allow": "POST"}))
    return cases


def whoami_cases():
    path = "/authorize/whoami"
    user = {"bungieMembershipId": "12345678", "isAdmin": False, "destinyMembershipIds": "4611686018488107374,4611686018488107375"}
    admin = {"bungieMembershipId": "7", "isAdmin": True, "destinyMembershipIds": ""}
    user_answer = {"minted": "<minted>", "success": True, "response": {"bungieMembershipId": "12345678",
                   "destinyMembershipIds": ["4611686018488107374", "4611686018488107375"], "isAdmin": False}}
    admin_answer = {"minted": "<minted>", "success": True, "response": {"bungieMembershipId": "7", "destinyMembershipIds": [], "isAdmin": True}}

    def with_authorizer(version, context):
        event = http_event(version, "GET", path, "", headers={"authorization": "Bearer <checked by the authorizer>"})
        event["body"] = None
        if version == 2:
            event["requestContext"]["authorizer"] = {"lambda": context}
        else:
            # REST authorizers pass context values as strings, next to the principal.
            event["requestContext"]["authorizer"] = {"principalId": context["bungieMembershipId"],
                                                     **{k: (str(v).lower() if isinstance(v, bool) else v) for k, v in context.items()}}
        return event

    anonymous = {"bungieMembershipId": "", "isAdmin": False, "destinyMembershipIds": ""}
    anonymous_answer = {"minted": "<minted>", "success": True, "response": {"bungieMembershipId": None, "destinyMembershipIds": [], "isAdmin": False}}
    cases = {}
    for version, prefix in [(2, "http-v2"), (1, "rest-v1")]:
        # GET /player/whoami, an optional-auth route, reached with no token: an anonymous context.
        optional = with_authorizer(version, anonymous)
        optional = json.loads(json.dumps(optional).replace(path, "/player/whoami"))
        for headers in ("headers", "multiValueHeaders"):
            for name in ("authorization", "Authorization"):
                (optional.get(headers) or {}).pop(name, None)
        if version == 1:
            optional["requestContext"]["authorizer"]["principalId"] = "anonymous"
        cases[f"{prefix}-anonymous-on-optional-route"] = (optional, http_answer(version, 200, anonymous_answer))
        cases[f"{prefix}-success"] = (with_authorizer(version, user), http_answer(version, 200, user_answer))
        cases[f"{prefix}-success-admin"] = (with_authorizer(version, admin), http_answer(version, 200, admin_answer))
        unauthorized = http_event(version, "GET", path, "")
        unauthorized["body"] = None
        cases[f"{prefix}-unauthorized"] = (unauthorized, http_answer(version, 401, failure("UnauthorizedError", {})))
        cases[f"{prefix}-method-not-allowed"] = (with_authorizer(version, user) | {"httpMethod": "POST"} if version == 1 else
                                                 post_whoami(with_authorizer(version, user)),
                                                 http_answer(version, 405, failure("MethodNotAllowedError", {"allowed": ["GET"]}), {"Allow": "GET"}))
    return cases


def post_whoami(event):
    event["requestContext"]["http"]["method"] = "POST"
    event["routeKey"] = "POST /authorize/whoami"
    return event


def write(function, cases):
    folder = os.path.join(ROOT, "functions", function, "events")
    os.makedirs(os.path.join(folder, "expected"), exist_ok=True)
    for name, (event, answer) in sorted(cases.items()):
        with open(os.path.join(folder, name + ".json"), "w") as f:
            json.dump(event, f, indent=2, ensure_ascii=False)
            f.write("\n")
        with open(os.path.join(folder, "expected", name + ".json"), "w") as f:
            f.write(compact(answer) + "\n")


write("authorize-user", user_cases())
write("authorize-admin", admin_cases())
write("authorizer", authorizer_cases())
write("whoami", whoami_cases())
write("authorize-bungie", bungie_cases())
