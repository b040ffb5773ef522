"""PyJWT on the same claims and secret as raidhub-benchmarks, for a reference measured in the same run.

Prints ns/op as the best of 7 rounds, like the Swift benchmark. Needs `pip install PyJWT`.
"""
import timeit

import jwt

SECRET = "benchmark-jwt-secret-0123456789abcdef0123"
CLAIMS = {
    "bungieMembershipId": "12345678",
    "destinyMembershipIds": ["4611686018488107374", "4611686018488107375"],
    "isAdmin": False,
    "iat": 1709508600,
    "exp": 1709508600 + 2592000,
}
TOKEN = jwt.encode(CLAIMS, SECRET, algorithm="HS256")
OPTIONS = {"verify_exp": False, "verify_iat": False}


def best(name, statement, number):
    seconds = min(timeit.repeat(statement, number=number, repeat=7))
    print(f"{name:<28}{seconds / number * 1e9:10.0f} ns/op")


best("PyJWT mint user token", lambda: jwt.encode(CLAIMS, SECRET, algorithm="HS256"), 5000)
best("PyJWT verify user token", lambda: jwt.decode(TOKEN, SECRET, algorithms=["HS256"], options=OPTIONS), 5000)
