// Package ctl is gosupervisor's supervisorctl: the command line (getopt
// options over the config file's [supervisorctl] section), every command
// of Supervisor 4.2.5's Controller and DefaultControllerPlugin with its
// exact output bytes, messages, help texts and exit statuses, and the
// interactive shell (readline editing, history, completion).
//
// It talks to supervisord only over the wire (XML-RPC through
// internal/xmlrpc, and the /logtail streams); it never imports the
// daemon's packages. Output goes to the io.Writers it is given, so every
// text can be golden-tested (testdata/ctl).
//
// Server answers are kept as plain values (value.go) and handled with
// Python's rules, so a server that answers something odd gets the line
// the reference would print for the exception it would raise
// ("error: <class '...'>, ...: file: ... line: ..."), never a panic.
//
// What it does not do: load Python ctlplugins ([ctlplugin:x] sections are
// read and ignored), or reproduce the reference's races in fg. Deliberate
// differences are listed in docs/compat.md; the command-line design
// (cobra without its flag parsing) is explained in docs/supervisorctl.md.
package ctl
