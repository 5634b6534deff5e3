// Package config reads supervisord.conf exactly as Supervisor 4.2.5 does
// and turns it into typed, validated structs.
//
// It owns: the INI dialect of Python's RawConfigParser as Supervisor
// configures it (inline comments, continuation lines, [DEFAULT], merging
// of repeated sections, Python's parse error texts); the %(name)s
// expansion of every value with Python's % operator; [include]; every
// section and key with Supervisor's defaults, converters and error texts;
// the supervisord command line (ParseServerArgs, LoadServer, Reread) and
// supervisorctl's [supervisorctl] section (LoadCtl); config equality and
// the reread diff (Diff); the names and the cleanup of AUTO child logs;
// the --check-config report.
//
// It does not start anything, open sockets or logs, change uid, or keep
// state between calls: a Config is immutable once returned, and reading
// it again is a new call. Python plugins named in a config
// ([rpcinterface:x] factories other than Supervisor's own, event listener
// result handlers, [ctlplugin:x]) are recorded, never run.
//
// docs/config.md explains how the parser works and why it is written here
// rather than on gopkg.in/ini.v1.
package config
