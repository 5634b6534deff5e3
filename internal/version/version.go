// Package version holds the version numbers gosupervisor reports. It owns no
// state beyond what the linker stamps in.
package version

// Supervisor is the Supervisor release whose behaviour we reproduce. It is
// what `supervisord -v`, `supervisorctl version` and getSupervisorVersion
// report, because clients compare it.
const Supervisor = "4.2.5"

// APIVersion is the XML-RPC API version (getAPIVersion); supervisorctl
// refuses any other.
const APIVersion = "3.0"

// Build identifies this build of gosupervisor; `make build` stamps it with
// git describe through -ldflags.
var Build = "dev"
