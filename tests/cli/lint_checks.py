#!/usr/bin/python3
"""Lint of the command-line tests: every `check NAME COMMAND...` must check all of COMMAND.

`check` (tests/cli/lib.sh) runs its arguments as one simple command and then returns 0, so
in `check NAME [ a ] && [ b ]` the shell runs `[ b ]` after the check, outside it: b is never
checked, and the check passes whenever a holds. The same goes for `||` and for a pipe after
the check (which also swallows its PASS or FAIL line). Write one test (`[ a -a b ]`) or quote
the whole condition (`check NAME eval '[ a ] && [ b ]'`). A check whose command starts with
`!` or `[[`, or that has no command at all, is refused too: "$@" cannot run a shell keyword,
and an empty command always succeeds.

    lint_checks.py FILE...   prints FILE:LINE: why for each bad check; status 1 if any

A small shell lexer: quotes, $(...), ${...}, backticks, comments, line continuations and
here-documents are skipped as the shell would, so only operators outside quotes count.
Debian's python3, standard library only.
"""
import re
import sys

# Operators that end a command; the first ones chain or pipe what follows.
CHAINING = ("&&", "||", "|&", "|")
OPERATORS = ("&&", "||", ";;", "|&", "|", ";", "&", "(", ")", "\n")
# Words after which the next word is still in command position.
RESERVED = {"if", "then", "else", "elif", "do", "while", "until", "!", "{", "}", "time"}
ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=")


class Lexer:
    """Splits a shell script into (kind, text, line) tokens: kind "word" or "op"."""

    def __init__(self, text):
        self.s = text
        self.i = 0
        self.line = 1
        self.heredocs = []  # (delimiter, strip_tabs) waiting for the next newline

    def peek(self, k=0):
        j = self.i + k
        return self.s[j] if j < len(self.s) else ""

    def advance(self, n=1):
        for _ in range(n):
            if self.i < len(self.s):
                if self.s[self.i] == "\n":
                    self.line += 1
                self.i += 1

    def skip_single(self):
        self.advance()  # the opening quote
        while self.peek() not in ("'", ""):
            self.advance()
        self.advance()

    def skip_double(self):
        self.advance()
        while self.peek() not in ('"', ""):
            c = self.peek()
            if c == "\\":
                self.advance(2)
            elif c == "$" and self.peek(1) in "({":
                self.skip_dollar()
            elif c == "`":
                self.skip_backtick()
            else:
                self.advance()
        self.advance()

    def skip_backtick(self):
        self.advance()
        while self.peek() not in ("`", ""):
            self.advance(2 if self.peek() == "\\" else 1)
        self.advance()

    def skip_dollar(self):
        """$( ... ), $(( ... )) or ${ ... }: to the matching close, quotes respected."""
        self.advance()  # $
        close = ")" if self.peek() == "(" else "}"
        opening = self.peek()
        depth = 0
        while self.peek():
            c = self.peek()
            if c == "\\":
                self.advance(2)
                continue
            if c == "'" and close == ")":
                self.skip_single()
                continue
            if c == '"':
                self.skip_double()
                continue
            if c == "`":
                self.skip_backtick()
                continue
            if c == "$" and self.peek(1) in "({":
                self.skip_dollar()
                continue
            if c == opening:
                depth += 1
            elif c == close:
                depth -= 1
                if depth == 0:
                    self.advance()
                    return
            self.advance()

    def skip_heredoc_bodies(self):
        """After a newline: skip the bodies of the here-documents opened on that line."""
        for delim, strip_tabs in self.heredocs:
            while self.i < len(self.s):
                end = self.s.find("\n", self.i)
                end = len(self.s) if end < 0 else end
                body_line = self.s[self.i:end]
                self.advance(end - self.i + 1)
                if (body_line.lstrip("\t") if strip_tabs else body_line) == delim:
                    break
        self.heredocs = []

    def word(self):
        """One word (quotes and substitutions kept inside it) from the current position."""
        start = self.i
        while self.peek():
            c = self.peek()
            if c in " \t\n;&|()":
                if c == "&" and self.peek(1) == ">":  # &> and &>> redirect
                    self.advance(2)
                    continue
                break
            if c == "\\":
                if self.peek(1) == "\n":
                    break
                self.advance(2)
            elif c == "'":
                self.skip_single()
            elif c == '"':
                self.skip_double()
            elif c == "`":
                self.skip_backtick()
            elif c == "$" and self.peek(1) in "({":
                self.skip_dollar()
            elif c in "<>" and self.peek(1) == "(":  # <(...) and >(...)
                self.skip_dollar()
            elif c in "<>":
                # A redirection (2>&1, >&2, <<<) is a word of its own here; << opens a
                # here-document whose delimiter is the next word.
                op = re.match(r"[0-9]*(<<<|<<-|<<|>>|<>|<&|>&|>\||<|>)-?", self.s[self.i:])
                text = op.group(0) if op else c
                if text.startswith("<<") and not text.startswith("<<<"):
                    self.advance(len(text))
                    while self.peek() in (" ", "\t"):
                        self.advance()
                    delim = self.word()
                    self.heredocs.append((re.sub(r"[\"'\\]", "", delim), "-" in text))
                    return self.s[start:self.i]
                self.advance(len(text))
            else:
                self.advance()
        return self.s[start:self.i]

    def tokens(self):
        while self.i < len(self.s):
            c = self.peek()
            if c in " \t":
                self.advance()
            elif c == "\\" and self.peek(1) == "\n":
                self.advance(2)
            elif c == "#":
                while self.peek() not in ("\n", ""):
                    self.advance()
            elif c == "\n":
                line = self.line
                self.advance()
                yield "op", "\n", line
                self.skip_heredoc_bodies()
            else:
                line = self.line
                op = next((o for o in OPERATORS if self.s.startswith(o, self.i)), None)
                if op and not (op == "&" and self.peek(1) == ">"):
                    self.advance(len(op))
                    yield "op", op, line
                else:
                    w = self.word()
                    if not w:  # cannot happen, but never loop forever
                        self.advance()
                        continue
                    yield "word", w, line


def lint(path, text):
    """FILE:LINE: why for each check whose command is not checked whole."""
    problems = []
    toks = list(Lexer(text).tokens())
    command_position = True
    k = 0
    while k < len(toks):
        kind, text_, line = toks[k]
        if kind == "op":
            command_position = True
            k += 1
            continue
        if command_position and (text_ in RESERVED or ASSIGNMENT.match(text_)):
            k += 1
            continue
        if command_position and text_ == "check":
            words = []
            j = k + 1
            while j < len(toks) and toks[j][0] == "word":
                words.append(toks[j][1])
                j += 1
            end = toks[j][1] if j < len(toks) else ""
            where = f"{path}:{line}"
            if not words and end in ("(", ")"):  # check() { ...: its definition
                k = j
                continue
            if end in CHAINING:
                problems.append(
                    f"{where}: check ... {end} ...: what follows '{end}' is not part of the check"
                    " (check returns 0); write one test ([ a -a b ]) or quote the condition"
                    " (check NAME eval '...')")
            if len(words) < 2:
                problems.append(f"{where}: check without a command (an empty command always succeeds)")
            elif words[1] in ("!", "[["):
                problems.append(
                    f"{where}: check NAME {words[1]} ...: \"$@\" cannot run the keyword '{words[1]}';"
                    " write check NAME eval '...'")
            k = j
            command_position = False
            continue
        command_position = False
        k += 1
    return problems


def main(argv):
    if not argv:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: lint_checks.py FILE...", file=sys.stderr)
        return 2
    problems = []
    for path in argv:
        try:
            with open(path, encoding="utf-8") as f:
                problems += lint(path, f.read())
        except OSError as e:
            problems.append(f"{path}: cannot read: {e.strerror}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
