# Differential RPC driver (run with /usr/bin/python3).
#
#   rpcdriver.py --list                    scenario names, one a line
#   rpcdriver.py --config NAME             the scenario's config ({dir} placeholders)
#   rpcdriver.py NAME SOCKET DIR           run the scenario against a supervisord
#                                          listening on the unix SOCKET, whose
#                                          config is DIR/supervisord.conf
#
# A scenario is a config and a sequence of XML-RPC calls made with Python's
# xmlrpc.client. Every recorded call prints one line: the call and repr() of
# what xmlrpc.client decoded (or the Fault), with pids, times, uptimes,
# random AUTO log names and the temp directory masked. The Go test runs the
# same scenario against the reference supervisord and ours and compares the
# lines. Between recorded steps, a scenario waits for the states it needs
# by polling getProcessInfo (unrecorded), so that no recorded answer
# depends on when either daemon happens to poll.
import http.client
import json
import os
import re
import socket
import sys
import time
import xml.parsers.expat
import xmlrpc.client

TIMEOUT = 40.0


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        http.client.HTTPConnection.__init__(self, 'localhost')
        self.socket_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(self.socket_path)
        self.sock = s


class UnixTransport(xmlrpc.client.Transport):
    def __init__(self, path):
        xmlrpc.client.Transport.__init__(self)
        self.socket_path = path

    def make_connection(self, host):
        return UnixConnection(self.socket_path)


class Stop(Exception):
    pass


# --- masking -----------------------------------------------------------------

RE_UPTIME = re.compile(r'^pid \d+, uptime \d+(?: days?, )?[\d:]+$')
RE_STOPTIME = re.compile(r'^[A-Z][a-z]{2} \d\d \d\d:\d\d [AP]M$')
RE_AUTO = re.compile(r'---([^-/]+)-[a-z0-9_]{8}\.log')
RE_LOGTIME = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ', re.M)
RE_PID = re.compile(r'pid \d+')


class Masker:
    def __init__(self, dir):
        self.dir = dir

    def text(self, s):
        s = s.replace(self.dir, '{dir}')
        s = RE_AUTO.sub(r'---\1-XXXXXXXX.log', s)
        if RE_UPTIME.match(s):
            return 'pid PID, uptime UPTIME'
        if RE_STOPTIME.match(s):
            return 'STOPTIME'
        return s

    def value(self, v, key=None):
        if isinstance(v, dict):
            out = {}
            for k, x in v.items():
                if k in ('start', 'stop', 'now') and isinstance(x, int) and x != 0:
                    out[k] = 'T'
                elif k == 'pid' and isinstance(x, int) and x != 0:
                    out[k] = 'PID'
                else:
                    out[k] = self.value(x, k)
            return out
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if isinstance(v, tuple):
            return tuple(self.value(x) for x in v)
        if isinstance(v, str):
            return self.text(v)
        return v


# --- the session ---------------------------------------------------------------

class Session:
    def __init__(self, sock, dir):
        self.sock = sock
        self.dir = dir
        self.conf = os.path.join(dir, 'supervisord.conf')
        self.mask = Masker(dir)
        self.lines = []

    def proxy(self):
        return xmlrpc.client.ServerProxy('http://localhost', transport=UnixTransport(self.sock),
                                         allow_none=True)

    def raw(self, method, *args):
        f = self.proxy()
        for part in method.split('.'):
            f = getattr(f, part)
        return f(*args)

    def outcome(self, method, *args):
        """What the call gives: ('ok', value) or ('fault', code, text) or ('http', code)."""
        try:
            return ('ok', self.raw(method, *args))
        except xmlrpc.client.Fault as e:
            return ('fault', e.faultCode, e.faultString)
        except xmlrpc.client.ProtocolError as e:
            return ('http', e.errcode)
        except xml.parsers.expat.ExpatError as e:
            return ('client', 'ExpatError')

    def emit(self, line):
        self.lines.append(line)
        print(line, flush=True)

    def fmt_call(self, method, args):
        return '%s(%s)' % (method, ', '.join(repr(self.mask.value(a)) for a in args))

    def call(self, method, *args, unordered=False, show=None):
        """A recorded call. unordered: the answer is an array of group-call
        results whose order is a race (processes finishing at the same
        time); it is recorded sorted. show: a function of the value giving
        what to record instead of the value."""
        o = self.outcome(method, *args)
        if o[0] == 'ok':
            v = o[1]
            if unordered:
                v = sorted(v, key=lambda r: (r['group'], r['name']))
            if show is not None:
                v = show(v)
            text = repr(self.mask.value(v))
        elif o[0] == 'fault':
            text = 'Fault %d %r' % (o[1], self.mask.text(o[2]))
        elif o[0] == 'client':
            text = 'the client failed: ' + o[1]
        else:
            text = 'HTTP %d' % o[1]
        self.emit('%s -> %s' % (self.fmt_call(method, args), text))
        return o[1] if o[0] == 'ok' else None

    def note(self, text):
        self.emit('# ' + text)

    def multicall(self, *calls):
        """system.multicall of (method, args...) tuples."""
        arg = [{'methodName': c[0], 'params': list(c[1:])} for c in calls]
        return self.call('system.multicall', arg)

    # waits (not recorded)

    def wait(self, what, pred, timeout=TIMEOUT):
        deadline = time.time() + timeout
        while True:
            try:
                v = pred()
            except (OSError, xmlrpc.client.Error):
                v = None
            if v:
                return v
            if time.time() > deadline:
                self.emit('TIMEOUT waiting for ' + what)
                raise Stop()
            time.sleep(0.02)

    def state(self, name):
        return self.raw('supervisor.getProcessInfo', name)['statename']

    def wait_state(self, name, *states, timeout=TIMEOUT):
        self.wait('%s in %s' % (name, '/'.join(states)), lambda: self.state(name) in states, timeout)

    def wait_states(self, states, timeout=TIMEOUT):
        """states: {namespec: statename}"""
        def ok():
            infos = self.raw('supervisor.getAllProcessInfo')
            got = {}
            for i in infos:
                ns = i['name'] if i['name'] == i['group'] else '%s:%s' % (i['group'], i['name'])
                got[ns] = i['statename']
            return all(got.get(k) == v for k, v in states.items())
        self.wait(repr(states), ok, timeout)

    def wait_log(self, name, text, channel='Stdout', count=1):
        def ok():
            data = self.raw('supervisor.readProcess%sLog' % channel, name, 0, 0)
            return data.count(text) >= count
        self.wait('%r in the %s log of %s' % (text, channel, name), ok)

    def wait_gone(self):
        """Wait for the daemon to stop answering."""
        def gone():
            try:
                self.raw('system.listMethods')
                return False
            except (OSError, http.client.HTTPException):
                return True
        self.wait('the daemon to exit', gone)

    def wait_back(self):
        def back():
            return self.raw('supervisor.getState')['statename'] == 'RUNNING'
        self.wait('the daemon to run again', back)

    def edit_conf(self, f):
        with open(self.conf) as fp:
            text = fp.read()
        with open(self.conf, 'w') as fp:
            fp.write(f(text))


# --- scenarios -----------------------------------------------------------------

BASE = '''
[unix_http_server]
file={dir}/sock

[supervisord]
logfile={dir}/supervisord.log
pidfile={dir}/supervisord.pid
childlogdir={dir}
loglevel=info

[supervisorctl]
serverurl=unix://{dir}/sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
'''

SCENARIOS = {}
TESTDATA = os.path.dirname(os.path.abspath(__file__))


def scenario(conf):
    def register(f):
        SCENARIOS[f.__name__] = (BASE + conf, f)
        return f
    return register


@scenario('''
[program:sleeper]
command=/bin/sleep 1000
startsecs=0
''')
def api(s):
    s.wait_state('sleeper', 'RUNNING')
    methods = s.call('system.listMethods')
    for m in methods:
        s.call('system.methodHelp', m)
        s.call('system.methodSignature', m)
        # No method takes ten arguments.
        s.call(m, *range(10))
    for m in ('supervisor.getAPIVersion', 'supervisor.getVersion', 'supervisor.getSupervisorVersion',
              'supervisor.getIdentification', 'supervisor.getState', 'supervisor.getPID',
              'supervisor.nosuch', 'nosuch.getState', 'supervisor._update', 'supervisor.getState.x',
              'getState', 'system.nosuch', 'system._dispatch'):
        s.call(m, show=(lambda p: 'PID') if m == 'supervisor.getPID' else None)
    s.call('system.methodHelp', 'nosuch')
    s.call('system.methodSignature', 'supervisor.nosuch')
    # Wrong types against a real running process: a direct call gives
    # HTTP 500 (an exception), multicall shows the exception's text.
    for call in (('supervisor.getProcessInfo', 1), ('supervisor.getProcessInfo', ['sleeper']),
                 ('supervisor.startProcess', 1.5), ('supervisor.stopProcess', {'a': 1}),
                 ('supervisor.stopProcess', 'sleeper', 'yes'),
                 ('supervisor.signalProcess', 'sleeper', 1.5), ('supervisor.signalProcess', 'sleeper', ['HUP']),
                 ('supervisor.signalProcess', 'sleeper', None),
                 ('supervisor.sendProcessStdin', 'sleeper', 5), ('supervisor.sendProcessStdin', 'sleeper', None),
                 ('supervisor.readProcessStdoutLog', 'sleeper', 'a', 1),
                 ('supervisor.readProcessStdoutLog', 'sleeper', 0, '1'),
                 ('supervisor.tailProcessStdoutLog', 'sleeper', 'x', 1),
                 ('supervisor.tailProcessStdoutLog', 'sleeper', 0, None),
                 ('supervisor.readLog', 'x', 0), ('supervisor.readLog', 0, 1.5),
                 ('supervisor.clearProcessLogs', 5), ('supervisor.addProcessGroup', 5),
                 ('supervisor.removeProcessGroup', ['x']), ('supervisor.startProcessGroup', 5),
                 ('supervisor.signalProcessGroup', 'sleeper', 'BOGUS'),
                 ('supervisor.signalAllProcesses', 'NOPE'),
                 ('system.methodHelp', 5), ('system.multicall', 'x'), ('system.multicall', [5])):
        s.call(*call)
        s.multicall(call)
    s.call('supervisor.getProcessInfo', 'sleeper')


@scenario('''
[program:sleeper]
command=/bin/sleep 1000
autostart=false

[program:fast]
command=/bin/sleep 1000
autostart=false
startsecs=0

[program:missing]
command=/nonexistent/cmd
autostart=false

[program:notexec]
command={dir}/supervisord.conf
autostart=false

[program:isdir]
command=/tmp
autostart=false

[program:badquote]
command=/bin/echo "unterminated
autostart=false

[program:badlog]
command=/bin/sleep 1000
stdout_logfile={dir}
autostart=false
startretries=0

[program:quick]
command=/bin/sh -c 'exit 0'
startsecs=3
startretries=0
autostart=false

[program:baddir]
command=/bin/true
directory=/nonexistent-directory
startsecs=3
startretries=0
autostart=false

[program:stubborn]
command=/bin/sh -c 'trap "" TERM; echo ready; while :; do sleep 0.1; done'
stdout_logfile={dir}/stubborn.log
stopwaitsecs=2
killasgroup=true
startsecs=0
autostart=false
''')
def startstop(s):
    s.call('supervisor.getAllProcessInfo')
    s.call('supervisor.startProcess', 'sleeper')
    s.call('supervisor.getProcessInfo', 'sleeper')
    s.call('supervisor.startProcess', 'sleeper')
    s.call('supervisor.startProcess', 'sleeper', False)
    s.call('supervisor.stopProcess', 'sleeper')
    s.call('supervisor.getProcessInfo', 'sleeper')
    s.call('supervisor.stopProcess', 'sleeper')
    s.call('supervisor.stopProcess', 'sleeper', False)
    s.call('supervisor.startProcess', 'sleeper', False)
    s.call('supervisor.getProcessInfo', 'sleeper')
    # Stopped while STARTING.
    s.call('supervisor.stopProcess', 'sleeper')
    s.call('supervisor.getProcessInfo', 'sleeper')
    s.call('supervisor.startProcess', 'sleeper', False)
    s.wait_state('sleeper', 'RUNNING')
    s.call('supervisor.stopProcess', 'sleeper', False)
    s.wait_state('sleeper', 'STOPPED')
    s.call('supervisor.getProcessInfo', 'sleeper')

    s.call('supervisor.startProcess', 'fast')
    s.call('supervisor.getProcessInfo', 'fast')
    s.call('supervisor.startProcess', 'fast', True)
    s.call('supervisor.stopProcess', 'fast', True)

    for name in ('missing', 'notexec', 'isdir', 'badquote', 'nosuch', 'fast:fast', 'fast:nosuch', 'nosuch:fast', ''):
        s.call('supervisor.startProcess', name)
        s.call('supervisor.startProcess', name, False)
    for name in ('missing', 'nosuch', 'nosuch:*', ''):
        s.call('supervisor.stopProcess', name)
        s.call('supervisor.getProcessInfo', name)

    s.call('supervisor.startProcess', 'badlog')
    s.wait_state('badlog', 'FATAL')
    s.call('supervisor.getProcessInfo', 'badlog')
    s.call('supervisor.startProcess', 'badlog', False)
    s.wait_state('badlog', 'FATAL')
    s.call('supervisor.getProcessInfo', 'badlog')

    s.call('supervisor.startProcess', 'quick')
    s.wait_state('quick', 'FATAL')
    s.call('supervisor.getProcessInfo', 'quick')
    s.call('supervisor.stopProcess', 'quick')
    s.call('supervisor.startProcess', 'quick', False)
    s.wait_state('quick', 'FATAL')
    s.call('supervisor.getProcessInfo', 'quick')

    s.call('supervisor.startProcess', 'baddir')
    s.wait_state('baddir', 'FATAL')
    s.call('supervisor.getProcessInfo', 'baddir')
    s.call('supervisor.readProcessStdoutLog', 'baddir', 0, 0)

    # STOPPING: stubborn ignores SIGTERM for stopwaitsecs=2.
    s.call('supervisor.startProcess', 'stubborn')
    s.wait_log('stubborn', 'ready')
    s.call('supervisor.stopProcess', 'stubborn', False)
    s.call('supervisor.getProcessInfo', 'stubborn')
    s.call('supervisor.stopProcess', 'stubborn')
    s.call('supervisor.startProcess', 'stubborn')
    s.call('supervisor.startProcess', 'stubborn', False)
    s.call('supervisor.signalProcess', 'stubborn', 'TERM')
    s.call('supervisor.sendProcessStdin', 'stubborn', 'x')
    s.call('supervisor.clearProcessLogs', 'stubborn')
    s.wait_state('stubborn', 'STOPPED')
    s.call('supervisor.getProcessInfo', 'stubborn')
    # stopProcess with wait through SIGKILL.
    s.call('supervisor.clearProcessLogs', 'stubborn')
    s.call('supervisor.startProcess', 'stubborn')
    s.wait_log('stubborn', 'ready')
    s.call('supervisor.stopProcess', 'stubborn')
    s.call('supervisor.getProcessInfo', 'stubborn')
    s.call('supervisor.getAllProcessInfo')


@scenario('''
[group:g]
programs=ga,gb
priority=5

[program:ga]
command=/bin/sleep 1000
priority=1
autostart=false

[program:gb]
command=/bin/sh -c 'trap "sleep 0.5; exit 0" TERM; echo ready; while :; do sleep 0.1; done'
stdout_logfile={dir}/gb.log
startsecs=2
priority=2
autostart=false

[program:pool]
command=/bin/sleep 1000
process_name=%(program_name)s_%(process_num)02d
numprocs=3
startsecs=0
autostart=false

[program:solo]
command=/bin/sleep 1000
priority=1
startsecs=0
autostart=false

[program:missing]
command=/nonexistent/cmd
priority=0
autostart=false
''')
def groups(s):
    s.call('supervisor.startProcess', 'g:*')
    s.call('supervisor.getAllProcessInfo')
    s.call('supervisor.startProcessGroup', 'g')
    s.call('supervisor.startProcess', 'g:')
    s.call('supervisor.startProcess', 'g:ga')
    s.call('supervisor.startProcess', 'ga')
    s.call('supervisor.getProcessInfo', 'g:')
    s.call('supervisor.getProcessInfo', 'g:*')
    s.call('supervisor.getProcessInfo', 'g')
    s.call('supervisor.getProcessInfo', 'g:gb')
    # gb takes 0.5 s to die: completion order is ga, gb.
    s.wait_log('g:gb', 'ready')
    s.call('supervisor.stopProcessGroup', 'g')
    s.call('supervisor.stopProcessGroup', 'g')
    s.call('supervisor.startProcessGroup', 'g', False)
    s.wait_states({'g:ga': 'RUNNING', 'g:gb': 'RUNNING'})
    s.call('supervisor.stopProcess', 'g:*', False)
    s.wait_states({'g:ga': 'STOPPED', 'g:gb': 'STOPPED'})
    s.call('supervisor.startProcessGroup', 'nosuch')
    s.call('supervisor.stopProcessGroup', 'nosuch')
    s.call('supervisor.startProcessGroup', 'g:ga')

    s.call('supervisor.startProcess', 'pool:*')
    s.call('supervisor.startProcess', 'pool')
    s.call('supervisor.startProcess', 'pool:pool_01')
    s.call('supervisor.getProcessInfo', 'pool:pool_01')
    s.call('supervisor.getProcessInfo', 'pool_01')
    s.call('supervisor.stopProcess', 'pool:pool_01')
    s.call('supervisor.startProcessGroup', 'pool')
    s.call('supervisor.stopProcessGroup', 'pool', False)
    s.wait_states({'pool:pool_00': 'STOPPED', 'pool:pool_01': 'STOPPED', 'pool:pool_02': 'STOPPED'})

    # All: priority order (missing 0 first), synchronous faults first.
    s.call('supervisor.startAllProcesses', False)
    s.wait_states({'g:ga': 'RUNNING', 'g:gb': 'RUNNING', 'solo': 'RUNNING'})
    s.call('supervisor.getAllProcessInfo')
    s.call('supervisor.startAllProcesses')
    s.call('supervisor.stopAllProcesses', False)
    s.wait_states({'g:ga': 'STOPPED', 'g:gb': 'STOPPED', 'solo': 'STOPPED', 'pool:pool_00': 'STOPPED'})
    s.call('supervisor.startAllProcesses', True, unordered=True)
    s.call('supervisor.stopAllProcesses', True, unordered=True)
    s.call('supervisor.getAllProcessInfo')
    s.call('supervisor.stopAllProcesses')


@scenario('''
[program:exit3]
command=/bin/sh -c 'sleep 1.5; exit 3'
startsecs=1
autorestart=false

[program:exit0]
command=/bin/sh -c 'sleep 1.5; exit 0'
startsecs=1
autorestart=unexpected

[program:exit2ok]
command=/bin/sh -c 'sleep 1.5; exit 2'
startsecs=1
exitcodes=0,2
autorestart=unexpected

[program:fatal]
command=/bin/sh -c 'echo failing; exit 1'
startsecs=3
startretries=1

[program:backoff]
command=/bin/sh -c 'exit 1'
startsecs=3
startretries=1000
autostart=false

[program:victim]
command=/bin/sleep 1000
autorestart=false
startsecs=0

[program:badlogretry]
command=/bin/sleep 1000
stdout_logfile={dir}
startretries=2
autostart=false

[program:termed]
command=/bin/sleep 1000
autorestart=false
startsecs=0
''')
def states(s):
    s.wait_states({'exit3': 'EXITED', 'exit0': 'EXITED', 'exit2ok': 'EXITED', 'fatal': 'FATAL',
                   'victim': 'RUNNING', 'termed': 'RUNNING'})
    for name in ('exit3', 'exit0', 'exit2ok', 'fatal', 'backoff', 'victim'):
        s.call('supervisor.getProcessInfo', name)
    s.call('supervisor.signalProcess', 'victim', 'KILL')
    s.wait_state('victim', 'EXITED')
    s.call('supervisor.getProcessInfo', 'victim')
    s.call('supervisor.signalProcess', 'termed', 'TERM')
    s.wait_state('termed', 'EXITED')
    s.call('supervisor.getProcessInfo', 'termed')
    s.call('supervisor.readProcessStdoutLog', 'fatal', 0, 0)
    s.call('supervisor.startProcess', 'backoff', False)
    s.wait_state('backoff', 'BACKOFF')
    s.call('supervisor.stopProcess', 'backoff')
    s.wait_state('backoff', 'STOPPED')
    s.call('supervisor.getProcessInfo', 'backoff',
           show=lambda i: {k: i[k] for k in ('name', 'state', 'statename', 'exitstatus', 'pid')})
    s.call('supervisor.stopProcess', 'backoff')
    # A spawn error before the fork: BACKOFF between retries, then FATAL.
    s.call('supervisor.startProcess', 'badlogretry', False)
    s.wait_state('badlogretry', 'BACKOFF')
    s.call('supervisor.getProcessInfo', 'badlogretry')
    s.call('supervisor.startProcess', 'badlogretry')
    s.call('supervisor.signalProcess', 'badlogretry', 'HUP')
    s.call('supervisor.sendProcessStdin', 'badlogretry', 'x')
    s.call('supervisor.clearProcessLogs', 'badlogretry')
    s.wait_state('badlogretry', 'FATAL')
    s.call('supervisor.getProcessInfo', 'badlogretry')
    s.call('supervisor.startProcess', 'badlogretry', False)
    s.call('supervisor.stopProcess', 'badlogretry')
    s.call('supervisor.getProcessInfo', 'badlogretry')
    # Start from EXITED and FATAL.
    s.call('supervisor.startProcess', 'exit3')
    s.call('supervisor.getProcessInfo', 'exit3')
    s.wait_state('exit3', 'EXITED')
    s.call('supervisor.getProcessInfo', 'exit3')
    s.call('supervisor.startProcess', 'fatal')
    s.wait_state('fatal', 'FATAL')
    s.call('supervisor.getAllProcessInfo')


@scenario('''
[program:trapper]
command=/bin/sh -c 'trap "echo got HUP" HUP; trap "echo got USR1" USR1; echo ready; while :; do sleep 0.1; done'
stdout_logfile={dir}/trapper.log
autorestart=false
startsecs=0

[group:g]
programs=gon,goff

[program:gon]
command=/bin/sh -c 'trap "echo got USR1" USR1; echo ready; while :; do sleep 0.1; done'
stdout_logfile={dir}/gon.log
startsecs=0

[program:goff]
command=/bin/sleep 1000
autostart=false
''')
def signals(s):
    s.wait_states({'trapper': 'RUNNING', 'g:gon': 'RUNNING'})
    s.wait_log('trapper', 'ready')
    s.wait_log('g:gon', 'ready')
    s.call('supervisor.signalProcess', 'trapper', 'HUP')
    s.wait_log('trapper', 'got HUP')
    s.call('supervisor.signalProcess', 'trapper', 'SIGUSR1')
    s.wait_log('trapper', 'got USR1')
    s.call('supervisor.signalProcess', 'trapper', '1')
    s.wait_log('trapper', 'got HUP', count=2)
    s.call('supervisor.signalProcess', 'trapper', 10)
    s.wait_log('trapper', 'got USR1', count=2)
    s.call('supervisor.signalProcess', 'trapper', 'usr1')
    s.wait_log('trapper', 'got USR1', count=3)
    s.call('supervisor.signalProcess', 'trapper', ' hup ')
    s.wait_log('trapper', 'got HUP', count=3)
    s.call('supervisor.readProcessStdoutLog', 'trapper', 0, 0)
    for sig in ('BOGUS', '999', '0', '-1', 'SIG', '', 999, 0):
        s.call('supervisor.signalProcess', 'trapper', sig)
    s.call('supervisor.signalProcess', 'nosuch', 'HUP')
    s.call('supervisor.signalProcess', 'nosuch', 'BOGUS')
    s.call('supervisor.signalProcess', 'g:goff', 'HUP')
    s.call('supervisor.signalProcess', 'g:goff', 'BOGUS')
    s.call('supervisor.signalProcessGroup', 'g', 'USR1')
    s.wait_log('g:gon', 'got USR1')
    s.call('supervisor.signalProcessGroup', 'g', 'BOGUS')
    s.call('supervisor.signalProcessGroup', 'nosuch', 'HUP')
    s.call('supervisor.signalProcessGroup', 'nosuch', 'BOGUS')
    s.call('supervisor.signalProcess', 'g:*', 'USR1')
    s.wait_log('g:gon', 'got USR1', count=2)
    s.call('supervisor.signalAllProcesses', 'USR1')
    s.wait_log('g:gon', 'got USR1', count=3)
    s.wait_log('trapper', 'got USR1', count=4)
    s.call('supervisor.signalAllProcesses', 'BOGUS')
    s.call('supervisor.signalProcess', 'trapper', 'KILL')
    s.wait_state('trapper', 'EXITED')
    s.call('supervisor.getProcessInfo', 'trapper')
    s.call('supervisor.signalProcess', 'trapper', 'HUP')
    s.call('supervisor.stopProcess', 'g:gon')
    s.call('supervisor.signalProcessGroup', 'g', 'HUP')
    s.call('supervisor.signalAllProcesses', 'HUP')


LOGS_CMD = '''/bin/sh -c 'printf "0123456789abcdef\\n"; printf "err line\\n" >&2; exec sleep 1000\''''


@scenario('''
[program:out]
command=%(cmd)s
stdout_logfile={dir}/out.log
stderr_logfile={dir}/out.err
startsecs=0

[program:auto]
command=%(cmd)s
startsecs=0

[program:red]
command=%(cmd)s
redirect_stderr=true
startsecs=0

[program:nolog]
command=%(cmd)s
stdout_logfile=NONE
stderr_logfile=NONE
startsecs=0

[program:never]
command=/bin/sleep 1000
stdout_logfile={dir}/never.log
autostart=false

[program:after]
command=%(cmd)s
stdout_logfile={dir}/after.log
startsecs=0
autostart=false
''' % {'cmd': LOGS_CMD.replace('%', '%%')})
def logs(s):
    s.wait_states({'out': 'RUNNING', 'auto': 'RUNNING', 'red': 'RUNNING', 'nolog': 'RUNNING'})
    for name in ('out', 'auto', 'red'):
        s.wait_log(name, 'abcdef\n')
    for name in ('out', 'auto'):
        s.wait_log(name, 'err line', channel='Stderr')
    s.wait_log('red', 'err line')
    s.call('supervisor.getAllProcessInfo')
    for args in ((0, 0), (5, 3), (5, 0), (-4, 0), (-100, 0), (-4, 1), (0, -1), (100, 0), (17, 0), (16, 1),
                 (0, 17), (0, 1000), (-1, -1), ('3', '2'), (True, 0)):
        s.call('supervisor.readProcessStdoutLog', 'out', *args)
    s.call('supervisor.readProcessLog', 'out', 0, 4)
    s.call('supervisor.readProcessStderrLog', 'out', 0, 0)
    s.call('supervisor.readProcessStderrLog', 'out', -5, 0)
    for name in ('auto', 'red', 'nolog', 'never', 'nosuch', 'out:*', 'out:out'):
        s.call('supervisor.readProcessStdoutLog', name, 0, 0)
        s.call('supervisor.readProcessStderrLog', name, 0, 0)
    for args in ((0, 5), (0, 100), (17, 10), (100, 10), (10, 3), (-5, 3), (3, -2), (0, 0), (16, 0), (16, 1)):
        s.call('supervisor.tailProcessStdoutLog', 'out', *args)
    s.call('supervisor.tailProcessLog', 'out', 0, 3)
    s.call('supervisor.tailProcessStderrLog', 'out', 0, 3)
    for name in ('auto', 'red', 'nolog', 'never', 'nosuch', 'out:'):
        s.call('supervisor.tailProcessStdoutLog', name, 0, 10)
        s.call('supervisor.tailProcessStderrLog', name, 0, 10)

    # The main log: compare masked lines as a set (the interleaving of
    # processes differs with the reference's poll).
    def mainlog(text):
        text = RE_LOGTIME.sub('', text)
        return sorted(RE_PID.sub('pid N', l) for l in text.splitlines())
    s.call('supervisor.readLog', 0, 0, show=mainlog)
    s.call('supervisor.readMainLog', 0, 0, show=mainlog)
    s.call('supervisor.readLog', -5, 0, show=len)
    s.call('supervisor.readLog', 0, 5, show=len)
    for args in ((-1, 1), (0, -1), (10 ** 6, 0), (10 ** 6, 5)):
        s.call('supervisor.readLog', *args)

    # Clearing: a running process's logs are emptied; a stopped one's are
    # left alone.
    s.call('supervisor.clearProcessLogs', 'out')
    s.call('supervisor.readProcessStdoutLog', 'out', 0, 0)
    s.call('supervisor.readProcessStderrLog', 'out', 0, 0)
    s.call('supervisor.tailProcessStdoutLog', 'out', 0, 10)
    s.call('supervisor.clearProcessLog', 'auto')
    s.call('supervisor.readProcessStdoutLog', 'auto', 0, 0)
    s.call('supervisor.clearProcessLogs', 'never')
    s.call('supervisor.readProcessStdoutLog', 'never', 0, 0)
    s.call('supervisor.clearProcessLogs', 'nosuch')
    s.call('supervisor.clearProcessLogs', 'out:*')
    s.call('supervisor.startProcess', 'after')
    s.wait_log('after', 'abcdef\n')
    s.call('supervisor.stopProcess', 'after')
    s.call('supervisor.clearProcessLogs', 'after')
    s.call('supervisor.readProcessStdoutLog', 'after', 0, 0)
    s.call('supervisor.clearAllProcessLogs')
    s.call('supervisor.readProcessStdoutLog', 'after', 0, 0)
    s.call('supervisor.readProcessStdoutLog', 'red', 0, 0)

    s.call('supervisor.clearLog')
    s.call('supervisor.readLog', 0, 0, show=mainlog)
    s.call('supervisor.stopProcess', 'out')
    # Whether Supervisor logs "waiting for out to stop" depends on whether
    # "out" (which dies at once) was reaped before its next loop pass.
    s.call('supervisor.readLog', 0, 0, show=lambda t: [l for l in mainlog(t) if 'waiting for' not in l])
    s.call('supervisor.readProcessStdoutLog', 'out', 0, 0)


@scenario('''
[program:cat]
command=/bin/cat
stdout_logfile={dir}/cat.log
startsecs=0

[program:closer]
command=/bin/sh -c 'exec 0<&-; echo closed; exec sleep 1000'
stdout_logfile={dir}/closer.log
startsecs=0

[program:stopped]
command=/bin/cat
autostart=false
''')
def stdin(s):
    s.wait_states({'cat': 'RUNNING', 'closer': 'RUNNING'})
    s.wait_log('closer', 'closed')
    s.call('supervisor.sendProcessStdin', 'cat', 'hello\n')
    s.wait_log('cat', 'hello\n')
    s.call('supervisor.sendProcessStdin', 'cat', 'h\u00e9llo \u00fcnic\u00f8de \u2603\n')
    s.wait_log('cat', '\u2603\n')
    s.call('supervisor.sendProcessStdin', 'cat', '')
    s.call('supervisor.sendProcessStdin', 'cat', 'x' * 200000 + '\n')
    s.wait_log('cat', 'x' * 1000 + '\n')
    s.call('supervisor.tailProcessStdoutLog', 'cat', 0, 60)
    s.call('supervisor.sendProcessStdin', 'stopped', 'x')
    s.call('supervisor.sendProcessStdin', 'nosuch', 'x')
    s.call('supervisor.sendProcessStdin', 'cat:*', 'x')
    s.call('supervisor.sendProcessStdin', 'cat', 5)
    s.call('supervisor.sendProcessStdin', 'nosuch', 5)
    s.call('supervisor.sendProcessStdin', 'closer', 'x')
    s.call('supervisor.sendProcessStdin', 'closer', 'y')
    s.call('supervisor.getProcessInfo', 'closer')
    s.call('supervisor.stopProcess', 'cat')
    s.call('supervisor.sendProcessStdin', 'cat', 'x')


RELOAD_V1 = '''
[program:keep]
command=/bin/sleep 1000
startsecs=0

[program:change]
command=/bin/sleep 1000
startsecs=0

[program:gone]
command=/bin/sleep 1000
startsecs=0

[group:grp]
programs=ga
priority=50

[program:ga]
command=/bin/sleep 1000
startsecs=0

[program:pool]
command=/bin/sleep 1000
process_name=%(program_name)s_%(process_num)d
numprocs=2
startsecs=0
'''

RELOAD_V2_EDITS = [
    ('[program:change]\ncommand=/bin/sleep 1000', '[program:change]\ncommand=/bin/sleep 999'),
    ('[program:gone]\ncommand=/bin/sleep 1000\nstartsecs=0\n', ''),
    ('numprocs=2', 'numprocs=3'),
]

RELOAD_V2_ADD = '''
[program:new]
command=/bin/sleep 1000
startsecs=0
stdout_logfile={dir}/new.log

[group:grp2]
programs=nb

[program:nb]
command=/bin/sleep 1000
autostart=false
'''


def reload_v2(text):
    for a, b in RELOAD_V2_EDITS:
        assert a in text, a
        text = text.replace(a, b)
    return text + RELOAD_V2_ADD


@scenario(RELOAD_V1)
def reload(s):
    s.wait_states({'keep': 'RUNNING', 'change': 'RUNNING', 'gone': 'RUNNING', 'grp:ga': 'RUNNING',
                   'pool:pool_0': 'RUNNING', 'pool:pool_1': 'RUNNING'})
    s.call('supervisor.getAllConfigInfo')
    s.call('supervisor.reloadConfig')
    s.edit_conf(lambda t: reload_v2(t.replace('{dir}', s.dir)).replace('{dir}', s.dir))
    s.call('supervisor.reloadConfig')
    s.call('supervisor.getAllConfigInfo')
    s.call('supervisor.getAllProcessInfo')
    s.call('supervisor.reloadConfig')
    s.call('supervisor.addProcessGroup', 'new')
    s.call('supervisor.addProcessGroup', 'new')
    s.call('supervisor.addProcessGroup', 'nosuch')
    s.call('supervisor.addProcessGroup', 'gone')
    s.call('supervisor.addProcessGroup', 'nb')
    s.call('supervisor.addProcessGroup', 'keep')
    s.wait_state('new', 'RUNNING')
    s.call('supervisor.getProcessInfo', 'new')
    s.call('supervisor.removeProcessGroup', 'gone')
    s.call('supervisor.removeProcessGroup', 'nosuch')
    s.call('supervisor.removeProcessGroup', 'gone:gone')
    s.call('supervisor.stopProcess', 'gone')
    s.call('supervisor.removeProcessGroup', 'gone')
    s.call('supervisor.removeProcessGroup', 'gone')
    s.call('supervisor.getProcessInfo', 'gone')
    # update of "change": stop, remove, add.
    s.call('supervisor.stopProcessGroup', 'change')
    s.call('supervisor.removeProcessGroup', 'change')
    s.call('supervisor.addProcessGroup', 'change')
    s.wait_state('change', 'RUNNING')
    s.call('supervisor.getAllConfigInfo', show=lambda v: [(c['name'], c['command'], c['inuse']) for c in v])
    s.call('supervisor.stopProcessGroup', 'pool', unordered=True)
    s.call('supervisor.removeProcessGroup', 'pool')
    s.call('supervisor.addProcessGroup', 'pool')
    s.call('supervisor.addProcessGroup', 'grp2')
    s.wait_states({'pool:pool_0': 'RUNNING', 'pool:pool_1': 'RUNNING', 'pool:pool_2': 'RUNNING'})
    s.call('supervisor.reloadConfig')
    s.call('supervisor.getAllProcessInfo')
    s.call('supervisor.getAllConfigInfo')
    # A removed group whose processes never ran.
    s.edit_conf(lambda t: t.replace('[group:grp2]\nprograms=nb\n', ''))
    s.call('supervisor.reloadConfig')
    s.call('supervisor.removeProcessGroup', 'grp2')
    s.call('supervisor.reloadConfig')
    # Broken configs: nothing changes.
    good = open(s.conf).read()
    for bad in ('\n[program:nocmd]\nautostart=false\n', '\n[program:x\n', '\n[program:y]\ncommand=/bin/true\nstartsecs=abc\n',
                '\n[group:gg]\nprograms=nosuchprog\n', '\n[program:z]\ncommand=/bin/true\nfoo=%(nosuch)s\n'):
        s.edit_conf(lambda t: good + bad)
        s.call('supervisor.reloadConfig')
    s.edit_conf(lambda t: good)
    s.call('supervisor.reloadConfig')
    s.call('supervisor.getAllProcessInfo')


@scenario('''
[program:slowstop]
command=/bin/sh -c 'trap "" TERM; echo ready; while :; do sleep 0.1; done'
stdout_logfile={dir}/slowstop.log
stopwaitsecs=3
killasgroup=true
startsecs=0

[program:quickstop]
command=/bin/sleep 1000
startsecs=0
''')
def shutdown(s):
    s.wait_states({'slowstop': 'RUNNING', 'quickstop': 'RUNNING'})
    s.wait_log('slowstop', 'ready')
    s.call('supervisor.shutdown')
    for m in ('supervisor.getState', 'supervisor.getAPIVersion', 'supervisor.getPID', 'supervisor.shutdown',
              'supervisor.restart', 'supervisor.getAllProcessInfo', 'supervisor.reloadConfig',
              'supervisor.clearLog', 'supervisor.clearAllProcessLogs', 'supervisor.getAllConfigInfo',
              'supervisor.stopAllProcesses', 'supervisor.startAllProcesses'):
        s.call(m)
    s.call('supervisor.getProcessInfo', 'slowstop')
    s.call('supervisor.startProcess', 'slowstop')
    s.call('supervisor.readLog', 0, 0)
    s.call('supervisor.signalProcessGroup', 'nosuch', 'HUP')
    s.call('supervisor.signalProcessGroup', 'slowstop', 'CONT')
    s.call('supervisor.signalAllProcesses', 'CONT')
    s.call('supervisor.signalAllProcesses', 'BOGUS')
    s.call('supervisor.sendRemoteCommEvent', 'type', 'data')
    s.call('system.listMethods', show=len)
    s.multicall(('supervisor.getState',), ('system.methodSignature', 'supervisor.getState'))
    s.wait_gone()
    s.note('the daemon exited')


@scenario('''
[program:slowstop]
command=/bin/sh -c 'trap "" TERM; echo ready; while :; do sleep 0.1; done'
stdout_logfile={dir}/slowstop.log
stopwaitsecs=2
killasgroup=true
startsecs=0

[program:app]
command=/bin/sleep 1000
startsecs=0

[program:manual]
command=/bin/sleep 1000
autostart=false
''')
def restart(s):
    s.wait_states({'slowstop': 'RUNNING', 'app': 'RUNNING'})
    s.wait_log('slowstop', 'ready')
    s.call('supervisor.startProcess', 'manual')
    pid = s.call('supervisor.getPID', show=lambda p: 'PID')
    # The restart reads the config again.
    s.edit_conf(lambda t: t.replace('[program:manual]', '[program:added]\ncommand=/bin/sleep 1000\nstartsecs=0\n\n[program:manual]'))
    s.call('supervisor.restart')
    for m in ('supervisor.getState', 'supervisor.restart', 'supervisor.shutdown', 'supervisor.getAllProcessInfo'):
        s.call(m)
    s.call('supervisor.getProcessInfo', 'app')
    s.wait_back()
    s.wait_states({'slowstop': 'RUNNING', 'app': 'RUNNING', 'added': 'RUNNING'})
    s.call('supervisor.getState')
    s.call('supervisor.getPID', show=lambda p: p == pid)
    s.call('supervisor.getAllProcessInfo')
    s.wait_log('slowstop', 'ready', count=2)
    s.call('supervisor.stopProcess', 'slowstop', False)
    s.call('supervisor.shutdown')
    s.call('supervisor.getState')
    s.wait_gone()
    s.note('the daemon exited')


@scenario('''
[program:sleeper]
command=/bin/sleep 1000
autostart=false

[program:fast]
command=/bin/sleep 1000
autostart=false
startsecs=0

[program:missing]
command=/nonexistent/cmd
autostart=false

[group:g]
programs=fast2
[program:fast2]
command=/bin/sleep 1000
autostart=false
startsecs=0
''')
def multicall(s):
    s.multicall()
    s.multicall(('supervisor.getAPIVersion',), ('supervisor.getProcessInfo', 'nosuch'), ('supervisor.nosuch',),
                ('supervisor.startProcess', 'sleeper'), ('supervisor.getProcessInfo', 'sleeper'),
                ('supervisor.stopProcess', 'sleeper'), ('supervisor.getProcessInfo', 'sleeper'),
                ('supervisor.startProcess', 'missing'), ('supervisor.startProcess', 'fast', False),
                ('supervisor.startProcess', 'g:*'), ('supervisor.stopProcessGroup', 'g'),
                ('supervisor.readLog', -1, 1), ('supervisor.getState',),
                ('supervisor.startProcess', 'fast'), ('supervisor.stopProcess', 'fast'),
                ('system.listMethods',), ('system.methodHelp', 'system.multicall'))
    s.call('system.multicall', [{'methodName': 'system.multicall', 'params': [[]]}])
    s.call('system.multicall', [{'methodName': 'system.multicall'}])
    s.call('system.multicall', [{'params': []}])
    s.call('system.multicall', [{}])
    s.call('system.multicall', [{'methodName': 'supervisor.getState', 'params': 'x'}])
    s.call('system.multicall', [{'methodName': 'supervisor.getState', 'params': [1]}])
    s.call('system.multicall', [{'methodName': 5}])
    s.call('system.multicall', [[]])
    s.call('system.multicall', [])
    s.call('system.multicall')
    s.call('system.multicall', [], [])
    s.call('system.multicall', [{'methodName': 'supervisor.startProcess', 'params': ['sleeper']},
                                {'methodName': 'system.multicall', 'params': [[{'methodName': 'supervisor.getState'}]]},
                                {'methodName': 'supervisor.stopProcess', 'params': ['sleeper']}])
    s.call('supervisor.getAllProcessInfo')


@scenario('''
[eventlistener:lst]
command=/usr/bin/python3 %(testdata)s/listener.py
events=REMOTE_COMMUNICATION
process_name=%%(program_name)s_%%(process_num)d
numprocs=2
startsecs=0

[eventlistener:other]
command=/usr/bin/python3 %(testdata)s/listener.py
events=PROCESS_STATE_RUNNING
autostart=false
priority=10

[program:app]
command=/bin/sleep 1000
startsecs=0
priority=500
''' % {'testdata': TESTDATA})
def events(s):
    s.wait_states({'lst:lst_0': 'RUNNING', 'lst:lst_1': 'RUNNING', 'app': 'RUNNING'})
    s.wait_log('lst:lst_0', 'READY\n')
    s.wait_log('lst:lst_1', 'READY\n')
    s.call('supervisor.getAllProcessInfo')
    s.call('supervisor.getAllConfigInfo')
    s.call('supervisor.sendRemoteCommEvent', 'mytype', 'hello')
    s.wait_log('lst:lst_0', 'type:mytype\nhello', channel='Stderr')
    s.call('supervisor.sendRemoteCommEvent', 'caf\u00e9', '\u2603 data')
    s.wait_log('lst:lst_0', '\u2603 data', channel='Stderr')
    s.call('supervisor.sendRemoteCommEvent', 1, [1, 2])
    s.wait_log('lst:lst_0', 'type:1\n[1, 2]', channel='Stderr')
    s.call('supervisor.readProcessStderrLog', 'lst:lst_0', 0, 0,
           show=lambda t: re.sub(r'serial:\d+', 'serial:N', t))
    s.call('supervisor.readProcessStdoutLog', 'lst:lst_0', 0, 0)
    s.call('supervisor.readProcessStderrLog', 'lst:lst_1', 0, 0)
    s.call('supervisor.startProcess', 'other')
    s.call('supervisor.getProcessInfo', 'other')
    s.call('supervisor.stopProcess', 'app')
    s.call('supervisor.startProcess', 'app')
    # The first app RUNNING event is already there (other got it from the
    # buffer when it started); wait for the restart's.
    s.wait_log('other', 'processname:app', channel='Stderr', count=2)
    s.call('supervisor.readProcessStderrLog', 'other', 0, 0,
           show=lambda t: re.sub(r'serial:\d+', 'serial:N', RE_PID.sub('pid N', re.sub(r'pid:\d+', 'pid:N', t))))
    s.call('supervisor.signalProcessGroup', 'lst', 'CONT')
    s.call('supervisor.stopAllProcesses', False)
    s.wait_states({'lst:lst_0': 'STOPPED', 'lst:lst_1': 'STOPPED', 'app': 'STOPPED', 'other': 'STOPPED'})
    s.call('supervisor.startAllProcesses', False)
    s.wait_states({'lst:lst_0': 'RUNNING', 'lst:lst_1': 'RUNNING', 'app': 'RUNNING', 'other': 'RUNNING'})
    s.call('supervisor.stopProcessGroup', 'lst', unordered=True)
    s.call('supervisor.removeProcessGroup', 'lst')
    s.call('supervisor.getAllProcessInfo')
    s.call('supervisor.reloadConfig')
    s.call('supervisor.addProcessGroup', 'lst')
    s.wait_states({'lst:lst_0': 'RUNNING', 'lst:lst_1': 'RUNNING'})
    s.call('supervisor.getAllProcessInfo')




@scenario('''
[program:caf\u00e9]
command=/bin/sh -c 'printf "h\\303\\251llo \\342\\230\\203\\n"; exec sleep 1000'
stdout_logfile={dir}/cafe.log
startsecs=0

[group:gr\u00fcppe]
programs=\u00fcber

[program:\u00fcber]
command=/bin/sleep 1000
autostart=false
''')
def unicode(s):
    s.wait_state('caf\u00e9', 'RUNNING')
    s.wait_log('caf\u00e9', '\u2603')
    s.call('supervisor.getAllProcessInfo')
    s.call('supervisor.getProcessInfo', 'caf\u00e9')
    s.call('supervisor.readProcessStdoutLog', 'caf\u00e9', 0, 0)
    s.call('supervisor.readProcessStdoutLog', 'caf\u00e9', 0, 2)
    s.call('supervisor.tailProcessStdoutLog', 'caf\u00e9', 0, 4)
    s.call('supervisor.getProcessInfo', '\u00f1')
    s.call('supervisor.startProcess', 'gr\u00fcppe:*')
    s.call('supervisor.getProcessInfo', 'gr\u00fcppe:\u00fcber')
    s.call('supervisor.stopProcessGroup', 'gr\u00fcppe')
    s.call('supervisor.signalProcess', 'caf\u00e9', 'SIGB\u00d6GUS')
    s.call('supervisor.getAllConfigInfo', show=lambda v: [(c['name'], c['group'], c['stdout_logfile']) for c in v])
    s.call('supervisor.stopProcess', 'caf\u00e9')


@scenario('''
[program:full]
command=/bin/sleep 1000
process_name=%(program_name)s_%(process_num)d
numprocs=2
numprocs_start=5
priority=7
autostart=false
autorestart=true
startsecs=4
startretries=9
exitcodes=0,2,3
stopsignal=INT
stopwaitsecs=6
stopasgroup=true
killasgroup=true
user=nobody
redirect_stderr=true
stdout_logfile={dir}/full_%(process_num)d.log
stdout_logfile_maxbytes=1KB
stdout_logfile_backups=3
stdout_capture_maxbytes=2MB
stdout_events_enabled=true
stdout_syslog=true
stderr_logfile=NONE
stderr_capture_maxbytes=1
stderr_events_enabled=true
environment=A="1",B="2"
directory=/tmp
umask=022
serverurl=AUTO

[program:other]
command=/bin/cat
stdout_logfile=NONE
stderr_logfile=syslog
serverurl=http://127.0.0.1:9999
stopsignal=USR2
exitcodes=
autostart=false

[group:grp]
programs=other
priority=1

[fcgi-program:fcgi]
command=/bin/sleep 1000
socket=unix://{dir}/fcgi.sock
autostart=false

[program:dup]
command=/bin/sleep 1000
process_name=same%%(process_num)s
numprocs=2
autostart=false

[eventlistener:ev]
command=/bin/cat
events=TICK_60
autostart=false
''')
def config(s):
    s.call('supervisor.getAllConfigInfo')
    s.call('supervisor.getAllProcessInfo')
    s.call('supervisor.reloadConfig')
    s.call('supervisor.getAllConfigInfo')
    s.call('supervisor.startProcess', 'full:full_5', False)
    s.wait_state('full:full_5', 'RUNNING')
    s.call('supervisor.getProcessInfo', 'full:full_5')
    s.call('supervisor.stopProcess', 'full:full_5')
    s.call('supervisor.getProcessInfo', 'full:full_5')


def main():
    if sys.argv[1] == '--list':
        for name in SCENARIOS:
            print(name)
        return
    if sys.argv[1] == '--config':
        sys.stdout.write(SCENARIOS[sys.argv[2]][0])
        return
    name, sock, dir = sys.argv[1:4]
    s = Session(sock, dir)
    # Wait for the daemon to answer.
    s.wait('the daemon to answer', lambda: s.raw('supervisor.getState')['statename'] == 'RUNNING')
    try:
        SCENARIOS[name][1](s)
    except Stop:
        sys.exit(3)


if __name__ == '__main__':
    main()
