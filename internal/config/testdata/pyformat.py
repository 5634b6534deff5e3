"""Compute `fmt % d` (Supervisor's options.expand) for each format string
on stdin (a JSON list) with the dict of pyformat_test.go, and print a JSON
list of [result, error] pairs. Run with /usr/bin/python3."""
import json
import sys

d = {'a': 'x', 'n': 3, 'neg': -42, 'big': 123456789012, 'u': '\u00e9\u20ac',
     'z': 0, 'e': '', 'q': "it's"}


def main():
    out = []
    for f in json.load(sys.stdin):
        try:
            out.append([f % d, None])
        except KeyError as e:
            out.append([None, 'KeyError: %s' % e])
        except Exception as e:
            out.append([None, str(e)])
    json.dump(out, sys.stdout, indent=0, ensure_ascii=False)


main()
