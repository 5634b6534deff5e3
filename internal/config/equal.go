package config

import "slices"

// Equal reports whether two process configs are equal as Supervisor's
// ProcessConfig.__eq__ says: every configured attribute compares equal,
// except that a child log that is Auto on either side is no difference (an
// active config's AUTO log has its real name by then). The program, group,
// section and file a process came from are not compared.
func (p *ProcessConfig) Equal(o *ProcessConfig) bool {
	if p == nil || o == nil {
		return p == o
	}
	return p.Name == o.Name &&
		optIntEqual(p.UID, o.UID) &&
		p.Command == o.Command &&
		p.DirectorySet == o.DirectorySet && p.Directory == o.Directory &&
		optIntEqual(p.Umask, o.Umask) &&
		p.Priority == o.Priority &&
		p.Autostart == o.Autostart &&
		p.Autorestart == o.Autorestart &&
		p.StartSecs == o.StartSecs &&
		p.StartRetries == o.StartRetries &&
		p.Stdout.equal(o.Stdout) &&
		p.Stderr.equal(o.Stderr) &&
		p.StopSignal == o.StopSignal &&
		p.StopWaitSecs == o.StopWaitSecs &&
		p.StopAsGroup == o.StopAsGroup &&
		p.KillAsGroup == o.KillAsGroup &&
		slices.Equal(p.ExitCodes, o.ExitCodes) &&
		p.RedirectStderr == o.RedirectStderr &&
		mapEqual(p.Environment, o.Environment) &&
		p.ServerURL == o.ServerURL && p.ServerURLEmpty == o.ServerURLEmpty
}

func (l LogConfig) equal(o LogConfig) bool {
	if !(l.Logfile == Auto || o.Logfile == Auto) {
		if l.Logfile != o.Logfile || l.LogfileEmpty != o.LogfileEmpty {
			return false
		}
	}
	return l.MaxBytes == o.MaxBytes && l.Backups == o.Backups &&
		l.CaptureMaxBytes == o.CaptureMaxBytes && l.EventsEnabled == o.EventsEnabled &&
		l.Syslog == o.Syslog
}

func optIntEqual(a, b *int) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func mapEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// Equal reports whether two groups are equal as Supervisor's __eq__ of
// their config classes says: the same kind, name, priority and processes
// (in order); pools also compare events, buffer_size and result_handler;
// FastCGI groups their socket URL.
func (g *GroupConfig) Equal(o *GroupConfig) bool {
	if g == nil || o == nil {
		return g == o
	}
	if g.Kind != o.Kind || g.Name != o.Name || g.Priority != o.Priority {
		return false
	}
	if len(g.Processes) != len(o.Processes) {
		return false
	}
	for i := range g.Processes {
		if !g.Processes[i].Equal(o.Processes[i]) {
			return false
		}
	}
	switch g.Kind {
	case KindEventListener:
		return g.BufferSize == o.BufferSize && slices.Equal(g.Events, o.Events) &&
			g.ResultHandler == o.ResultHandler
	case KindFCGI:
		if g.Socket == nil || o.Socket == nil {
			return g.Socket == o.Socket
		}
		return g.Socket.URL == o.Socket.URL
	}
	return true
}

// Diff compares the active groups with a newly read config, as
// supervisord.diff_to_active does for reloadConfig and update: added are
// next's groups whose name is not active, changed are next's groups whose
// active namesake differs (both in next's order), removed are the active
// groups whose name next does not have (in active's order). When a name
// occurs twice, the last one stands for it, as in a Python dict.
func Diff(active []*GroupConfig, next *Config) (added, changed, removed []*GroupConfig) {
	cur := map[string]*GroupConfig{}
	for _, g := range active {
		cur[g.Name] = g
	}
	var newGroups []*GroupConfig
	if next != nil {
		newGroups = next.Groups
	}
	names := map[string]bool{}
	for _, g := range newGroups {
		names[g.Name] = true
	}
	for _, g := range newGroups {
		c, ok := cur[g.Name]
		if !ok {
			added = append(added, g)
		} else if !g.Equal(c) {
			changed = append(changed, g)
		}
	}
	for _, g := range active {
		if !names[g.Name] {
			removed = append(removed, g)
		}
	}
	return added, changed, removed
}
