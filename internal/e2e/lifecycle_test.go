package e2e

import (
	"syscall"
	"testing"

	"github.com/gosupervisor/gosupervisor/internal/testenv"
)

const base = `
[supervisord]
logfile={dir}/supervisord.log
pidfile={dir}/supervisord.pid
childlogdir={dir}
loglevel=info
`

// Programs that must fail "too quickly" use startsecs=3: the reference
// notices an exit only at its next poll, up to a second late, and with
// startsecs=1 an instant crash then sometimes counts as a success.

// scenario runs the same config and steps under the reference and ours and
// compares the main logs.
func scenario(t *testing.T, conf string, names []string, steps func(d *daemon)) {
	t.Helper()
	t.Parallel()
	ref := startDaemon(t, testenv.Reference, base+conf)
	steps(ref)
	got := startDaemon(t, testenv.Ours(t), base+conf)
	steps(got)
	compareLogs(t, ref, got, names)
}

func TestLifecycleCrashLoopToFatal(t *testing.T) {
	scenario(t, `
[program:crash]
command=/bin/sh -c 'exit 0'
startretries=2
startsecs=3
[program:sleeper]
command=/bin/sleep 60
`, []string{"crash", "sleeper"}, func(d *daemon) {
		d.waitFor("gave up: crash entered FATAL state", 1)
		d.waitFor("success: sleeper entered RUNNING state", 1)
		d.stop()
	})
}

func TestLifecycleExitCodes(t *testing.T) {
	scenario(t, `
[program:good]
command=/bin/sh -c 'sleep 1.2; exit 2'
exitcodes=0,2
autorestart=unexpected
startsecs=1
[program:bad]
command=/bin/sh -c 'sleep 1.2; exit 3'
autorestart=false
startsecs=1
`, []string{"good", "bad"}, func(d *daemon) {
		d.waitFor("exited: good (exit status 2; expected)", 1)
		d.waitFor("exited: bad (exit status 3; not expected)", 1)
		d.stop()
	})
}

func TestLifecycleSpawnErrors(t *testing.T) {
	scenario(t, `
[program:missing]
command=/nonexistent/command
startretries=0
[program:notexec]
command={dir}/supervisord.conf
startretries=0
[program:isdir]
command=/tmp
startretries=0
[program:badquote]
command=/bin/echo "unterminated
startretries=0
`, []string{"missing", "notexec", "isdir", "badquote"}, func(d *daemon) {
		for _, n := range []string{"missing", "notexec", "isdir", "badquote"} {
			d.waitFor("gave up: "+n+" entered FATAL state", 1)
		}
		d.stop()
	})
}

// Child-side failures (after the fork) each run alone: with several
// programs, when the reference notices the exit depends on its poll timing.
func TestLifecycleChildSideChdirFailure(t *testing.T) {
	scenario(t, `
[program:baddir]
command=/bin/true
directory=/nonexistent-directory
startretries=1
startsecs=3
`, []string{"baddir"}, func(d *daemon) {
		d.waitFor("gave up: baddir entered FATAL state", 1)
		d.stop()
	})
}

func TestLifecycleChildSideSetuidThenChdirFailure(t *testing.T) {
	scenario(t, `
[program:baduser]
command=/bin/true
user=nobody
directory=/nonexistent-directory
startretries=0
startsecs=3
`, []string{"baduser"}, func(d *daemon) {
		d.waitFor("gave up: baduser entered FATAL state", 1)
		d.stop()
	})
}

func TestLifecycleChildSideEmptyDirectory(t *testing.T) {
	scenario(t, `
[program:emptydir]
command=/bin/true
directory=
startretries=0
startsecs=3
stderr_logfile={dir}/emptydir.err
`, []string{"emptydir"}, func(d *daemon) {
		d.waitFor("gave up: emptydir entered FATAL state", 1)
		d.stop()
	})
}

func TestLifecycleStopEscalationAtShutdown(t *testing.T) {
	scenario(t, `
[program:stubborn]
command=/bin/sh -c 'trap "" TERM; while :; do sleep 0.1; done'
stopwaitsecs=1
killasgroup=true
[program:polite]
command=/bin/sleep 60
stopsignal=INT
`, []string{"stubborn", "polite"}, func(d *daemon) {
		d.waitFor("success: stubborn entered RUNNING state", 1)
		d.waitFor("success: polite entered RUNNING state", 1)
		d.stop()
	})
}

func TestLifecyclePriorityOrder(t *testing.T) {
	scenario(t, `
[program:first]
command=/bin/sleep 60
priority=1
[program:second]
command=/bin/sleep 60
priority=2
[program:third]
command=/bin/sleep 60
priority=3
`, []string{"first", "second", "third"}, func(d *daemon) {
		d.waitFor("success: third entered RUNNING state", 1)
		d.waitFor("success: first entered RUNNING state", 1)
		d.stop()
	})
}

func TestLifecycleNumprocs(t *testing.T) {
	scenario(t, `
[program:pool]
command=/bin/sleep 60
process_name=%(program_name)s_%(process_num)02d
numprocs=3
`, []string{"pool_00", "pool_01", "pool_02"}, func(d *daemon) {
		d.waitFor("entered RUNNING state", 3)
		d.stop()
	})
}

func TestLifecycleReloadOnSIGHUP(t *testing.T) {
	scenario(t, `
[program:app]
command=/bin/sleep 60
`, []string{"app"}, func(d *daemon) {
		d.waitFor("success: app entered RUNNING state", 1)
		d.signal(syscall.SIGHUP)
		d.waitFor("success: app entered RUNNING state", 2)
		d.stop()
	})
}

func TestLifecycleLogReopen(t *testing.T) {
	scenario(t, `
[program:app]
command=/bin/sleep 60
`, []string{"app"}, func(d *daemon) {
		d.waitFor("success: app entered RUNNING state", 1)
		d.signal(syscall.SIGUSR2)
		d.waitFor("supervisord logreopen", 1)
		d.stop()
	})
}

func TestLifecycleFastCGISockets(t *testing.T) {
	scenario(t, `
[fcgi-program:fc]
command=/bin/sh -c 'test -S /proc/self/fd/0 || readlink /proc/self/fd/0 | grep -q socket || exit 9; exec sleep 60'
socket=unix://{dir}/fc.sock
numprocs=2
process_name=%(program_name)s_%(process_num)s
`, []string{"fc_0", "fc_1"}, func(d *daemon) {
		d.waitFor("entered RUNNING state", 2)
		d.stop()
	})
}
