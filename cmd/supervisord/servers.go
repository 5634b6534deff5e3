package main

import (
	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/daemon"
	"github.com/gosupervisor/gosupervisor/internal/logging"
	"github.com/gosupervisor/gosupervisor/internal/rpc"
)

// openServers opens the HTTP servers; until the HTTP layer lands there are
// none.
func openServers(cfg *config.Config, b rpc.Backend, log *logging.Logger) (daemon.Servers, error) {
	return nil, nil
}
