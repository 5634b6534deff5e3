# Reference oracle for the xmlrpc package tests: reads JSON requests on
# stdin, one per line, and answers one JSON line each, using Supervisor's
# and Python's own code. Run with /usr/bin/python3 (Debian's supervisor).
import base64, json, sys, xmlrpc.client, datetime

from supervisor.xmlrpc import supervisor_xmlrpc_handler, xmlrpc_marshal
from supervisor.compat import as_string

handler = supervisor_xmlrpc_handler.__new__(supervisor_xmlrpc_handler)

def to_py(v):
    # JSON description of a value -> Python object
    t, x = v[0], v[1]
    if t == 'int': return int(x)
    if t == 'bool': return bool(x)
    if t == 'str': return x
    if t == 'double': return float(x)
    if t == 'dt': return datetime.datetime.strptime(x, '%Y%m%dT%H:%M:%S')
    if t == 'bytes': return base64.b64decode(x)
    if t == 'array': return [to_py(i) for i in x]
    if t == 'struct': return {k: to_py(i) for k, i in x}
    raise ValueError(t)

for line in sys.stdin:
    req = json.loads(line)
    op = req['op']
    if op == 'loads':
        data = base64.b64decode(req['body'])
        try:
            text = as_string(data)
            params, method = handler.loads(text)
            out = {'ok': True, 'method': method, 'params': None if params is None else repr(params)}
        except Exception as e:
            out = {'ok': False, 'error': '%s: %s' % (type(e).__name__, e)}
    elif op == 'dumps':
        value = to_py(req['value'])
        out = {'body': base64.b64encode(xmlrpc_marshal(value).encode('utf-8')).decode()}
    elif op == 'fault':
        body = xmlrpc_marshal(xmlrpc.client.Fault(req['code'], req['text']))
        out = {'body': base64.b64encode(body.encode('utf-8')).decode()}
    elif op == 'request':
        params = tuple(to_py(p) for p in req['params'])
        body = xmlrpc.client.dumps(params, req['method'])
        out = {'body': base64.b64encode(body.encode('utf-8')).decode()}
    elif op == 'clientloads':
        data = base64.b64decode(req['body'])
        try:
            r, _ = xmlrpc.client.loads(data.decode('utf-8'))
            out = {'ok': True, 'value': repr(r[0] if len(r) == 1 else r)}
        except xmlrpc.client.Fault as f:
            out = {'ok': False, 'fault': [f.faultCode, f.faultString]}
        except Exception as e:
            out = {'ok': False, 'error': '%s: %s' % (type(e).__name__, e)}
    elif op == 'repr':
        out = {'repr': repr(to_py(req['value'])), 'str': str(to_py(req['value']))}
    else:
        out = {'error': 'unknown op'}
    sys.stdout.write(json.dumps(out) + '\n')
    sys.stdout.flush()
