#!/usr/bin/env python3
"""Writes YAML documents built from YAML's own tokens into a folder, for replaying beside PyYAML
(scripts/fuzz-differential.py yaml-reader): byte mutation seldom makes `---` twice, `'x'#c 'y`
or a keep-chomped last line, and these found about 300 inputs the reader read differently
before. Two grammars, each with a fixed seed, so a run is the same every time: tokens in any
order, and lines of indentation, a head (`- `, `k: `, `? `, `--- `...) and a value.

    scripts/yaml-token-inputs.py COUNT FOLDER"""
import os, random, sys

TOKENS = ["a", "b", "k: ", "k:", "x: y", "- ", "? ", ": ", ":", "\n", "\n ", "\n  ", "\n    ", "\n- ", "\n  - ", "\n  k: ",
          "'x'", "\"y\"", "\"a\\\n b\"", "'a\n b'", "'q''r'", "&a ", "*a", "!t ", "!!str ", "[", "]", "{", "}", ", ", ",", "#c", " #c",
          "|\n", "|-\n  ", "|+\n", "|2\n", ">\n  ", ">+\n ", "--- ", "---\n", "...\n", "...", " ", "\t", "1", "-", "?", "\\", "@", "`",
          "%", "\r\n", "\"", "'", "[a, b]", "{a: b}", "\u00e9", "\u2028", "null", "~"]
INDENTS = ["", " ", "  ", "   ", "    ", "      "]
HEADS = ["", "- ", "- - ", "k: ", "k:", "? ", ": ", "'k': ", "\"k\": ", "k x: ", "!t ", "&a ", "- k: ", "--- ", "...", "[a, ", "{a: "]
VALUES = ["", "v", "v w", "'q'", "\"d\"", "'q''r'", "\"a\\\"b\"", "|", "|-", "|+", ">", ">-", "[a, b]", "{a: b}", "[", "{", "]", "}",
          "*a", "&a v", "!t v", "- x", "x: y", "1", "'multi", "line'", "\"esc\\", "#c", "v #c", "v#c", "v:", ": v", "a,b", "'x' y",
          "[x] y", "{x}: y", "-", "?", "x\ty", "\t"]


def token_soup(generator):
    return "".join(generator.choice(TOKENS) for _ in range(generator.randint(2, 10)))


def lines(generator):
    text = "\n".join(generator.choice(INDENTS) + generator.choice(HEADS) + generator.choice(VALUES) + generator.choice(["", "", " #c", "  ", "\t"])
                     for _ in range(generator.randint(1, 5)))
    return text + generator.choice(["\n", "", "\n\n", "\n  "])


def main():
    count, folder = int(sys.argv[1]), sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    seen = set()
    for grammar, seed in ((token_soup, 11), (lines, 99)):
        generator = random.Random(seed)
        made = 0
        for _ in range(count * 4):
            if made == count // 2:
                break
            document = grammar(generator)
            if document in seen:
                continue
            seen.add(document)
            with open(os.path.join(folder, f"{grammar.__name__}-{made:06d}"), "w", encoding="utf-8") as handle:
                handle.write(document)
            made += 1


if __name__ == "__main__":
    main()
