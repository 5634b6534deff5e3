package config

import "strings"

// dumpConfig renders a Config in the JSON shape testdata/refdump.py gives
// the reference's ServerOptions, so the two can be compared.
func dumpConfig(cfg *Config) map[string]any {
	s := cfg.Supervisord
	var user, uid, gid, dir, profile any
	if s.User != "" || s.UID != nil {
		user = s.User
	}
	if s.UID != nil {
		uid, gid = *s.UID, s.GID
	}
	if s.Directory != "" {
		dir = s.Directory
	}
	if s.Profile {
		opts, callers := ProfileOptions(s.ProfileOptions)
		profile = []any{opts, callers}
	}
	var serverurl any
	if cfg.ServerURL != "" {
		serverurl = cfg.ServerURL
	}
	servers := []any{}
	for _, sc := range cfg.Servers {
		var name any
		if strings.Contains(sc.Section, ":") {
			name = sc.Name
		}
		d := map[string]any{"section": sc.Section, "name": name, "username": sc.Username, "password": sc.Password}
		if sc.Unix {
			d["family"] = "unix"
			d["file"] = sc.File
			d["chmod"] = sc.Chmod
			d["chown"] = []any{sc.ChownUID, sc.ChownGID}
		} else {
			d["family"] = "inet"
			d["host"] = sc.Host
			d["port"] = sc.Port
		}
		servers = append(servers, d)
	}
	rpcs := []any{}
	for _, p := range cfg.RPCInterfaces {
		params := map[string]any{}
		for k, v := range p.Params {
			params[k] = v
		}
		rpcs = append(rpcs, map[string]any{"name": p.Name, "factory": p.Factory, "params": params})
	}
	groups := []any{}
	for _, g := range cfg.Groups {
		procs := []any{}
		for _, p := range g.Processes {
			procs = append(procs, dumpProcess(p, g.Name))
		}
		d := map[string]any{"name": g.Name, "priority": g.Priority, "processes": procs}
		switch g.Kind {
		case KindEventListener:
			d["kind"] = "eventlistener"
			d["buffer_size"] = g.BufferSize
			ev := []any{}
			for _, e := range g.Events {
				ev = append(ev, e)
			}
			d["events"] = ev
			d["result_handler"] = g.ResultHandler
		case KindFCGI:
			d["kind"] = "fcgi"
			sd := map[string]any{"url": g.Socket.URL, "backlog": nil}
			if g.Socket.Backlog != 0 {
				sd["backlog"] = g.Socket.Backlog
			}
			if g.Socket.Unix {
				sd["path"] = g.Socket.Path
				sd["mode"] = g.Socket.Mode
				sd["owner"] = nil
				if g.Socket.Owner != nil {
					sd["owner"] = []any{g.Socket.Owner.UID, g.Socket.Owner.GID}
				}
			} else {
				sd["host"] = g.Socket.Host
				sd["port"] = g.Socket.Port
			}
			d["socket"] = sd
		default:
			d["kind"] = "process"
		}
		groups = append(groups, d)
	}
	env := map[string]any{}
	for k, v := range s.Environment {
		env[k] = v
	}
	return map[string]any{
		"configfile": cfg.ConfigFile,
		"supervisord": map[string]any{
			"logfile":          s.Logfile,
			"logfile_maxbytes": s.LogfileMaxBytes,
			"logfile_backups":  s.LogfileBackups,
			"loglevel":         int(s.LogLevel),
			"pidfile":          s.Pidfile,
			"umask":            s.Umask,
			"nodaemon":         s.Nodaemon,
			"silent":           s.Silent,
			"minfds":           s.Minfds,
			"minprocs":         s.Minprocs,
			"nocleanup":        s.Nocleanup,
			"childlogdir":      s.Childlogdir,
			"user":             user,
			"uid":              uid,
			"gid":              gid,
			"directory":        dir,
			"strip_ansi":       s.StripAnsi,
			"identifier":       s.Identifier,
			"environment":      env,
			"profile_options":  profile,
		},
		"serverurl":     serverurl,
		"servers":       servers,
		"rpcinterfaces": rpcs,
		"groups":        groups,
		"warnings":      strList(cfg.Warnings),
		"infos":         strList(cfg.Infos),
	}
}

func strList(s []string) []any {
	out := []any{}
	for _, x := range s {
		out = append(out, x)
	}
	return out
}

func dumpLog(l LogConfig) map[string]any {
	var lf any
	switch {
	case l.LogfileEmpty:
		lf = ""
	case l.Logfile != "":
		lf = l.Logfile
	}
	return map[string]any{
		"logfile":          lf,
		"maxbytes":         l.MaxBytes,
		"backups":          l.Backups,
		"capture_maxbytes": l.CaptureMaxBytes,
		"events_enabled":   l.EventsEnabled,
		"syslog":           l.Syslog,
	}
}

func dumpProcess(p *ProcessConfig, group string) map[string]any {
	var dir, umask, uid, serverurl any
	if p.DirectorySet {
		dir = p.Directory
	}
	if p.Umask != nil {
		umask = *p.Umask
	}
	if p.UID != nil {
		uid = *p.UID
	}
	if p.ServerURLEmpty {
		serverurl = ""
	} else if p.ServerURL != "" {
		serverurl = p.ServerURL
	}
	env := map[string]any{}
	for k, v := range p.Environment {
		env[k] = v
	}
	codes := []any{}
	for _, c := range p.ExitCodes {
		codes = append(codes, c)
	}
	return map[string]any{
		"name":            p.Name,
		"group":           group,
		"command":         p.Command,
		"directory":       dir,
		"umask":           umask,
		"priority":        p.Priority,
		"autostart":       p.Autostart,
		"autorestart":     p.Autorestart.String(),
		"startsecs":       p.StartSecs,
		"startretries":    p.StartRetries,
		"uid":             uid,
		"stopsignal":      int(p.StopSignal),
		"stopwaitsecs":    p.StopWaitSecs,
		"stopasgroup":     p.StopAsGroup,
		"killasgroup":     p.KillAsGroup,
		"exitcodes":       codes,
		"redirect_stderr": p.RedirectStderr,
		"environment":     env,
		"serverurl":       serverurl,
		"stdout":          dumpLog(p.Stdout),
		"stderr":          dumpLog(p.Stderr),
	}
}
