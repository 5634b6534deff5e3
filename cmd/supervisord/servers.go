package main

import (
	"io"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/daemon"
	"github.com/gosupervisor/gosupervisor/internal/httpserver"
	"github.com/gosupervisor/gosupervisor/internal/logging"
	"github.com/gosupervisor/gosupervisor/internal/rpc"
	"github.com/gosupervisor/gosupervisor/web"
)

// openServers opens the configured HTTP servers with the XML-RPC
// interfaces the config declares and the web interface.
func openServers(cfg *config.Config, b rpc.Backend, log *logging.Logger, stderr io.Writer) (daemon.Servers, error) {
	namespaces, _ := rpc.NamespacesFrom(cfg.RPCInterfaces) // the others are warned about at startup
	h := rpc.NewHandler(b, namespaces, rpc.LoggerFunc(log.Log))
	ui, err := web.New(web.Options{Backend: b, Log: rpc.LoggerFunc(log.Log)})
	if err != nil {
		return nil, err
	}
	servers, err := httpserver.Open(cfg.Servers, httpserver.Options{
		RPC:     h,
		Backend: b,
		Web:     ui,
		Log:     rpc.LoggerFunc(log.Log),
		Stderr:  stderr,
	})
	if err != nil {
		return nil, err
	}
	servers.Serve()
	return servers, nil
}
