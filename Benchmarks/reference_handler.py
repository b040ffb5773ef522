"""The authorize-user function written in Python with PyJWT, as a reference for cold start: read
one API Gateway 2.0 event on stdin, validate the body, compare the secret, mint, print the answer."""
import hmac
import json
import os
import sys
import time

import jwt

event = json.load(sys.stdin)
body = json.loads(event["body"])
ok = hmac.compare_digest(body["clientSecret"].encode(), os.environ["CLIENT_SECRET"].encode())
now = int(time.time())
claims = {"bungieMembershipId": body["bungieMembershipId"], "destinyMembershipIds": body["destinyMembershipIds"],
          "isAdmin": False, "iat": now, "exp": now + 2592000}
token = jwt.encode(claims, os.environ["JWT_SECRET"], algorithm="HS256")
print(json.dumps({"statusCode": 200 if ok else 403, "body": json.dumps({"success": ok, "response": {"value": token}})}))
