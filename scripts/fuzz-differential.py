#!/usr/bin/env python3
"""Sets what a fuzz target made of each input of its corpus beside what an independent
implementation makes of the same bytes: Python's json for json-round-trip, PyYAML for
yaml-reader, h11 for http-request-split.

    scripts/fuzz-differential.py TARGET BINARY CORPUS_DIR

The target replays the corpus with FUZZ_EMIT set and prints one JSON line per input. Our
parsers may refuse more than the reference (a depth limit, a duplicate key, a tab PyYAML would
also refuse...), but what ours accepts, the reference must accept and read the same way:
anything else is a misreading, and fails the run. Prints the counts, and each disagreement."""
import base64, json, os, subprocess, sys


def same(a, b):
    """Equal as JSON values are: `true` is not `1`, `1` is not `1.0`, and members keep their order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a.keys()) == list(b.keys()) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and a != a:
        return b != b  # NaN
    return a == b


def replay(binary, files):
    lines = []
    for start in range(0, len(files), 200):
        batch = files[start:start + 200]
        run = subprocess.run([binary, "-detect_leaks=0", *batch], env={**os.environ, "FUZZ_EMIT": "1", "SWIFT_BACKTRACE": "enable=no"},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if run.returncode != 0:
            sys.exit(f"{binary} failed replaying the corpus:\n" + run.stderr.decode(errors="replace")[-3000:])
        out = run.stdout.decode().splitlines()
        if len(out) != len(batch):
            sys.exit(f"{binary} printed {len(out)} lines for {len(batch)} inputs")
        lines += [json.loads(line) for line in out]
    return lines


def json_reference(data, ours):
    if "error" in ours:
        return None
    try:
        theirs = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        return f"json refuses what ours read: {error}"
    again = json.loads(ours["written"])
    if not same(again, theirs):
        return f"json reads {theirs!r}; ours wrote {ours['written']!r}"
    return None


def yaml_reference(data, ours):
    import yaml

    class Loader(yaml.BaseLoader):
        pass

    def tagged(loader, suffix, node):
        if isinstance(node, yaml.ScalarNode):
            return {"!" + suffix: loader.construct_scalar(node)}
        if isinstance(node, yaml.SequenceNode):
            return {"!" + suffix: loader.construct_sequence(node, deep=True)}
        return {"!" + suffix: loader.construct_mapping(node, deep=True)}

    Loader.add_multi_constructor("!", tagged)
    if "error" in ours:
        return None
    text = data.decode("utf-8", errors="replace")
    try:
        theirs = yaml.load(text, Loader=Loader)
    except Exception as error:  # PyYAML's errors, and its constructors' on odd keys
        return f"PyYAML refuses what ours read: {str(error).splitlines()[0]}"
    if theirs is None:
        theirs = ""
    if not same(theirs, ours["value"]):
        return f"PyYAML reads {theirs!r}; ours {ours['value']!r}"
    return None


def http_reference(data, ours):
    import h11
    # The target cuts its pieces where the first byte says; the stream is the rest. Each
    # request is read by a new h11 connection from what the last one left: h11 refuses the
    # empty lines RFC 9112 §2.2 says a server should ignore before a request line, so they
    # are skipped here, as ours skips them.
    rest, theirs = data[1:], []
    while len(theirs) < len(ours["requests"]):
        while rest.startswith(b"\r\n") or rest.startswith(b"\n"):
            rest = rest[2:] if rest.startswith(b"\r\n") else rest[1:]
        connection = h11.Connection(h11.SERVER, max_incomplete_event_size=2048)
        connection.receive_data(rest)
        current = None
        try:
            while True:
                event = connection.next_event()
                if event is h11.NEED_DATA or event is h11.PAUSED or isinstance(event, h11.ConnectionClosed):
                    break
                if isinstance(event, h11.Request):
                    current = {"method": event.method.decode("latin-1"), "target": event.target.decode("utf-8", "replace"),
                               "headers": [[n.decode("latin-1").lower(), v.decode("utf-8", "replace")] for n, v in event.headers.raw_items()],
                               "body": []}
                elif isinstance(event, h11.Data):
                    current["body"] += list(event.data)
                elif isinstance(event, h11.EndOfMessage):
                    break
        except h11.RemoteProtocolError as error:
            return f"h11 refuses request {len(theirs) + 1} of {len(ours['requests'])} ours read: {error}"
        if not isinstance(event, h11.EndOfMessage):
            return f"h11 reads {len(theirs)} requests where ours read {len(ours['requests'])}"
        theirs.append(current)
        if connection.their_state is h11.MUST_CLOSE:
            # `Connection: close` or HTTP/1.0: a server reads no further, and ours answers and
            # closes after this request too, whatever else its parser took from the stream.
            break
        rest = connection.trailing_data[0]
    for number, (mine, other) in enumerate(zip(ours["requests"], theirs), 1):
        # Header names are case-insensitive, and so are transfer codings (RFC 9112 §7): h11
        # lower-cases both, ours passes them on as sent.
        mine = {**mine, "headers": [[n.lower(), v.lower() if n.lower() == "transfer-encoding" else v] for n, v in mine["headers"]]}
        if not same(mine, other):
            return f"request {number}: h11 reads {other!r}; ours {mine!r}"
    return None


REFERENCES = {"json-round-trip": json_reference, "yaml-reader": yaml_reference, "http-request-split": http_reference}


def main():
    target, binary, corpus = sys.argv[1:4]
    check = REFERENCES[target]
    files = sorted(os.path.join(corpus, name) for name in os.listdir(corpus))
    outcomes = replay(binary, files)
    accepted = disagreements = 0
    for path, ours in zip(files, outcomes):
        with open(path, "rb") as handle:
            data = handle.read()
        if "error" not in ours or (target == "http-request-split" and ours["requests"]):
            accepted += 1
        problem = check(data, ours)
        if problem:
            disagreements += 1
            if disagreements <= 10:
                # The input itself, so a CI log is enough to reproduce what the corpus there held.
                print(f"{path}: {problem}\n  input: {data[:400]!r}{' ...' if len(data) > 400 else ''}")
    print(f"{target}: {len(files)} inputs, {accepted} read by ours, {disagreements} read differently by the reference")
    sys.exit(1 if disagreements else 0)


if __name__ == "__main__":
    main()
