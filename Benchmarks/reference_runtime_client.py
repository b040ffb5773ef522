#!/usr/bin/env python3
"""A minimal Runtime API loop in Python (http.client, one kept-alive connection) that echoes each
event: the reference for the round trip our URLSession client adds per invocation."""
import http.client
import os

host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
connection = http.client.HTTPConnection(host, int(port))
while True:
    connection.request("GET", "/2018-06-01/runtime/invocation/next")
    answer = connection.getresponse()
    event = answer.read()
    if answer.status != 200:
        raise SystemExit(1)
    request_id = answer.getheader("Lambda-Runtime-Aws-Request-Id")
    connection.request("POST", f"/2018-06-01/runtime/invocation/{request_id}/response", body=b'{"statusCode":200}',
                       headers={"Content-Type": "application/json"})
    connection.getresponse().read()
