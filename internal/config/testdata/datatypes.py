"""Run supervisor.datatypes converters on the inputs given on stdin
({"converter": [inputs...]}) and print {"converter": [[result, error]...]}.
Run with /usr/bin/python3."""
import json
import sys

from supervisor import datatypes as d


def conv(name):
    if name == 'auto_restart':
        def f(v):
            r = d.auto_restart(v)
            return {d.RestartUnconditionally: 'true', d.RestartWhenExitUnexpected: 'unexpected', False: 'false'}[r]
        return f
    if name == 'dict_of_key_value_pairs':
        return lambda v: sorted(d.dict_of_key_value_pairs(v).items())
    if name == 'inet_address':
        return lambda v: list(d.inet_address(v))
    if name == 'signal_number':
        return lambda v: int(d.signal_number(v))
    if name == 'profile_options':
        return lambda v: list(d.profile_options(v))
    if name == 'integer':
        return d.integer
    return getattr(d, name)


def main():
    jobs = json.load(sys.stdin)
    out = {}
    for name, inputs in jobs.items():
        f = conv(name)
        res = []
        for v in inputs:
            try:
                res.append([f(v), None])
            except Exception as e:
                res.append([None, str(e)])
        out[name] = res
    json.dump(out, sys.stdout, indent=1, sort_keys=True, ensure_ascii=False)


main()
