// The floor of a function's cold start: a Swift program with no imports, built the way the
// functions are (release, fully static), that reads standard input and writes it back.
// Benchmarks/cold-start.sh times it beside authorize-user in the same run.
while let line = readLine(strippingNewline: false) {
    print(line, terminator: "")
}
