package bench

// analysis is the hand-written part of docs/performance.md: why the
// targets that are missed on the development VM are missed, from profiles
// (perf record -a -g on an unstripped build) and from the run-to-run
// spread of earlier `make bench` runs. It is kept here so that
// regenerating the report keeps it; edit it when the reasons change.
const analysis = `## Where a target is missed, and why

The development machine is a 2-CPU VM on which every measurement shares the CPUs with its
clients and children. Across runs on a quiet machine the rows move by 10–30 %; the ranges below
are from several runs.

- **500 programs spawned (target 0.45 s; measured 0.55–0.9 s).** Starting a child is bounded by
  the kernel: the floor row is a bare loop of 500 ` + "`ForkExec`" + ` calls, which takes 0.30–0.38 s
  here, because the parent waits for each child's execve (CLONE_VFORK) and the children's
  dynamic linking competes for the same 2 CPUs. supervisord adds about 0.3 ms of CPU per child
  (three pipes, poller registration, the state machine, the log line): 0.52–0.6 s without log
  files. With AUTO logs, both implementations create 1000 empty files before the first spawn
  (Supervisor's ` + "`create_autochildlogs`" + ` does it with mkstemp; we do the same, since
  ` + "`getAllConfigInfo`" + ` and the file system show them); on this VM's ext4 that costs from 0.03 s to
  0.65 s depending on how many files were deleted on the file system in the last minutes
  (ext4 skips recently freed inodes when it allocates one, and the test suite deletes
  thousands). The reference pays the same file cost on top of its 3 s.
- **getAllProcessInfo from 4 clients (target 500 calls/s; measured 250–300).** The answer is
  600 KB of XML; decoding it costs our client about 3 ms of CPU, and the four clients share the
  two CPUs with the daemon. The daemon itself serves 990–1200 answers per second (the
  "answers read but not decoded" row), so the limit is the clients' decoding, not the server.
- **getProcessInfo (target 10 000 calls/s; measured 8 700–11 300).** Also client-bound in part:
  four Go clients and the daemon on two CPUs. The daemon answers from a published read-only
  view, without a round trip through its main loop.
- **Log throughput (target 0.9 of a plain copy; measured 0.78–0.96).** The bytes go pipe →
  daemon → file with read and write, the same copies a plain ` + "`cat > file`" + ` makes; the rest
  is the poller's wake-ups. The spread between rounds (disk write-back on the VM) is as large
  as the gap to the target.
- **Events per second (target ≥ the reference; ours 6 500–9 700/s, reference 4 800–7 800/s).**
  The rate is set by the READY → envelope → RESULT round trip with a Python listener: most of
  it is the listener's own time and the two context switches per event. A profile of the daemon
  shows the kernel's scheduler (waking the listener on each write to its stdin) and Go's
  runtime going idle and waking between events as the largest costs; the daemon's user-space
  work is a small part of it. Both rates move by about 25 % from run to run; ours was above
  the reference in every run but one.
`
