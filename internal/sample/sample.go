// Package sample holds gosupervisor's sample configuration, the file
// echo_supervisord_conf prints and `make run` uses. The canonical copy is
// supervisord.conf.example here (go:embed cannot reach the repository
// root); the root's supervisord.conf.example must stay identical, which a
// test checks. It owns no state.
package sample

import _ "embed"

// Config is the sample supervisord.conf.
//
//go:embed supervisord.conf.example
var Config string
