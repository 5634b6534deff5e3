# Differential test driver: runs the same calls against a server URL with
# Python's xmlrpc.client and prints one JSON line per call with repr() of
# the result, the fault, or the HTTP error. Run with /usr/bin/python3.
import datetime, http.client, json, math, sys, xmlrpc.client

url = sys.argv[1]
calls = json.load(sys.stdin)

def from_json(v):
    if isinstance(v, dict):
        t = v.get('$')
        if t == 'none': return None
        if t == 'dt': return datetime.datetime(2020, 1, 2, 3, 4, 5)
        if t == 'inf': return math.inf
        if t == 'nan': return math.nan
        if t == 'float': return float(v['v'])
        if t == 'struct': return {k: from_json(x) for k, x in v['v']}
    if isinstance(v, list): return [from_json(x) for x in v]
    return v

def run(method, params):
    s = xmlrpc.client.ServerProxy(url, allow_none=True)
    try:
        f = s
        for p in method.split('.'): f = getattr(f, p)
        return {'result': repr(f(*params))}
    except xmlrpc.client.Fault as e:
        return {'fault': [e.faultCode, e.faultString]}
    except xmlrpc.client.ProtocolError as e:
        return {'http': e.errcode}

def raw(body):
    host, port = url.split('//')[1].split('/')[0].split(':')
    c = http.client.HTTPConnection(host, int(port))
    c.request('POST', '/RPC2', body.encode(), {'Content-Type': 'text/xml'})
    r = c.getresponse()
    return {'status': r.status, 'body': r.read().decode('utf-8', 'replace')}

out = []
for c in calls:
    if 'raw' in c:
        out.append(raw(c['raw']))
    else:
        out.append(run(c['method'], [from_json(p) for p in c['params']]))
json.dump(out, sys.stdout)
