package main

import (
	"fmt"
	"io"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/daemon"
	"github.com/gosupervisor/gosupervisor/internal/httpserver"
	"github.com/gosupervisor/gosupervisor/internal/logging"
	"github.com/gosupervisor/gosupervisor/internal/rpc"
)

// openServers opens the configured HTTP servers with the XML-RPC
// interfaces the config declares.
func openServers(cfg *config.Config, b rpc.Backend, log *logging.Logger, stderr io.Writer) (daemon.Servers, error) {
	namespaces, unknown := rpc.NamespacesFrom(cfg.RPCInterfaces)
	for _, p := range unknown {
		log.Warn(fmt.Sprintf("[rpcinterface:%s] uses the Python factory %s, which gosupervisor cannot load; the section is ignored", p.Name, p.Factory))
	}
	for _, g := range cfg.Groups {
		if g.Kind == config.KindEventListener && g.ResultHandler != "" && g.ResultHandler != "supervisor.dispatchers:default_handler" {
			log.Warn(fmt.Sprintf("[eventlistener:%s] result_handler %s is Python code gosupervisor cannot load; the default handler is used", g.Name, g.ResultHandler))
		}
	}
	h := rpc.NewHandler(b, namespaces, log)
	servers, err := httpserver.Open(cfg.Servers, httpserver.Options{
		RPC:     h,
		Backend: b,
		Log:     log,
		Stderr:  stderr,
	})
	if err != nil {
		return nil, err
	}
	servers.Serve()
	return servers, nil
}
