"""Load supervisord configs with the reference Supervisor and dump them as JSON.

Used by the differential test of internal/config (reference_test.go). It reads
a JSON list of jobs on stdin, each {"argv0", "args", "cwd", "env"}, runs
supervisor.options.ServerOptions.realize() on each (parsing only: no daemon,
no setuid, no sockets) and writes a JSON list of results on stdout, in the
shape internal/config's dumpConfig produces. Run it with /usr/bin/python3 and
never with the supervisor package directory as the working directory.
"""
import io
import json
import os
import platform
import sys
import tempfile

from supervisor import options as soptions
from supervisor import supervisord as ssupervisord
from supervisor.datatypes import Automatic, RestartUnconditionally, RestartWhenExitUnexpected
from supervisor.events import getEventNameByType
from supervisor.options import (ServerOptions, EventListenerPoolConfig,
                                FastCGIGroupConfig)


class Stop(Exception):
    pass


def funcname(f):
    return '%s:%s' % (f.__module__, getattr(f, '__qualname__', f.__name__))


def logfile(v):
    if v is Automatic:
        return 'AUTO'
    return v


def autorestart(v):
    if v is RestartUnconditionally:
        return 'true'
    if v is RestartWhenExitUnexpected:
        return 'unexpected'
    if v is False:
        return 'false'
    return repr(v)


def dump_process(p, group):
    d = {
        'name': p.name,
        'group': group,
        'command': p.command,
        'directory': p.directory,
        'umask': p.umask,
        'priority': p.priority,
        'autostart': p.autostart,
        'autorestart': autorestart(p.autorestart),
        'startsecs': p.startsecs,
        'startretries': p.startretries,
        'uid': p.uid,
        'stopsignal': int(p.stopsignal),
        'stopwaitsecs': p.stopwaitsecs,
        'stopasgroup': p.stopasgroup,
        'killasgroup': p.killasgroup,
        'exitcodes': p.exitcodes,
        'redirect_stderr': p.redirect_stderr,
        'environment': p.environment,
        'serverurl': p.serverurl,
    }
    for ch in ('stdout', 'stderr'):
        d[ch] = {
            'logfile': logfile(getattr(p, ch + '_logfile')),
            'maxbytes': getattr(p, ch + '_logfile_maxbytes'),
            'backups': getattr(p, ch + '_logfile_backups'),
            'capture_maxbytes': getattr(p, ch + '_capture_maxbytes'),
            'events_enabled': getattr(p, ch + '_events_enabled'),
            'syslog': getattr(p, ch + '_syslog'),
        }
    return d


def dump_group(g):
    d = {'name': g.name, 'priority': g.priority,
         'processes': [dump_process(p, g.name) for p in g.process_configs]}
    if isinstance(g, EventListenerPoolConfig):
        d['kind'] = 'eventlistener'
        d['buffer_size'] = g.buffer_size
        d['events'] = sorted(set(getEventNameByType(e) for e in g.pool_events))
        d['result_handler'] = funcname(g.result_handler)
    elif isinstance(g, FastCGIGroupConfig):
        d['kind'] = 'fcgi'
        s = g.socket_config
        sd = {'url': s.url, 'backlog': s.backlog}
        if hasattr(s, 'path'):
            sd['path'] = s.path
            sd['mode'] = s.mode
            sd['owner'] = list(s.owner) if s.owner is not None else None
        else:
            sd['host'] = s.host
            sd['port'] = s.port
        d['socket'] = sd
    else:
        d['kind'] = 'process'
    return d


def dump_server(c):
    d = {'section': c['section'], 'name': c['name'],
         'username': c['username'] or '', 'password': c['password'] or ''}
    if 'file' in c:
        d['family'] = 'unix'
        d['file'] = c['file']
        d['chmod'] = c['chmod']
        d['chown'] = list(c['chown'])
    else:
        d['family'] = 'inet'
        d['host'] = c['host']
        d['port'] = c['port']
    return d


def dump(o):
    section = o.configroot.supervisord
    po = o.profile_options
    return {
        'configfile': o.configfile,
        'supervisord': {
            'logfile': o.logfile,
            'logfile_maxbytes': o.logfile_maxbytes,
            'logfile_backups': o.logfile_backups,
            'loglevel': o.loglevel,
            'pidfile': o.pidfile,
            'umask': o.umask,
            'nodaemon': bool(o.nodaemon),
            'silent': bool(o.silent),
            'minfds': o.minfds,
            'minprocs': o.minprocs,
            'nocleanup': bool(o.nocleanup),
            'childlogdir': o.childlogdir,
            'user': o.user,
            'uid': o.uid,
            'gid': o.gid,
            'directory': o.directory,
            'strip_ansi': bool(o.strip_ansi),
            'identifier': o.identifier,
            'environment': section.environment,
            'profile_options': [po[0], po[1]] if po is not None else None,
        },
        'serverurl': o.serverurl,
        'servers': [dump_server(c) for c in o.server_configs],
        'rpcinterfaces': [{'name': n, 'factory': funcname(f), 'params': e}
                          for (n, f, e) in o.rpcinterface_factories],
        'groups': [dump_group(g) for g in o.process_group_configs],
        'warnings': o.parse_warnings,
        'infos': o.parse_infos,
    }


class Warnings:
    def __init__(self, sink):
        self.sink = sink

    def warn(self, msg, *a, **kw):
        self.sink.append(str(msg))


def run_ctl(job):
    from supervisor.options import ClientOptions
    o = ClientOptions()

    def usage(msg):
        raise Stop({'error': str(msg)})

    o.usage = usage
    try:
        o.realize(args=job['args'], doc='', progname=job['argv0'])
    except Stop as e:
        return e.args[0]
    except Exception as e:
        return {'exception': '%s: %s' % (type(e).__name__, e)}
    return {
        'configfile': o.configfile,
        'serverurl': o.serverurl,
        'username': o.username,
        'password': o.password,
        'prompt': o.prompt,
        'history_file': o.history_file,
        'plugins': [n for (n, f, e) in o.plugin_factories][1:],
    }


class FakeGroup:
    def __init__(self, config):
        self.config = config


def run_diff(job):
    """Load a.conf as the active config (the groups supervisord adds: the
    first of each name, AUTO logs named) and b.conf as the new one, and
    report supervisord.diff_to_active()."""
    loaded = []
    for name in ('a.conf', 'b.conf'):
        o = ServerOptions()

        def usage(msg):
            raise Stop({'error': str(msg)})

        o.usage = usage
        try:
            o.realize(args=['-c', name], doc='', progname=job['argv0'])
        except Stop as e:
            return e.args[0]
        loaded.append(o)
    s = ssupervisord.Supervisor(loaded[1])
    for cfg in loaded[0].process_group_configs:
        if cfg.name not in s.process_groups:
            for p in cfg.process_configs:
                p.options = loaded[0]
            cfg.after_setuid()
            s.process_groups[cfg.name] = FakeGroup(cfg)
    added, changed, removed = s.diff_to_active()
    return {'added': [g.name for g in added], 'changed': [g.name for g in changed],
            'removed': [g.name for g in removed]}


def run(job):
    platform.node = lambda: job['hostname']
    os.getuid = lambda: job['uid']
    os.chdir(job['cwd'])
    os.environ.clear()
    os.environ.update(dict(e.split('=', 1) for e in job['env']))
    tempfile.tempdir = None
    sys.argv[0] = job['argv0']
    if job.get('ctl'):
        return run_ctl(job)
    if job.get('diff'):
        return run_diff(job)
    o = ServerOptions()
    out = io.StringIO()
    pywarnings = []
    o.stdout = out
    o.warnings = Warnings(pywarnings)

    def usage(msg):
        raise Stop({'error': str(msg)})

    def exit(code):
        raise Stop({'exit': code, 'stdout': out.getvalue()})

    o.usage = usage
    o.exit = exit
    try:
        o.realize(args=job['args'], doc=ssupervisord.__doc__,
                  progname=job['argv0'])
        res = dump(o)
    except Stop as e:
        res = e.args[0]
    except Exception as e:
        res = {'exception': '%s: %s' % (type(e).__name__, e)}
    if pywarnings:
        res['pywarnings'] = pywarnings
    return res


def main():
    jobs = json.load(sys.stdin)
    results = [run(j) for j in jobs]
    json.dump(results, sys.stdout, indent=1, sort_keys=True)


if __name__ == '__main__':
    main()
