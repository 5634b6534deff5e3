package config

import "fmt"

// UnsupportedPlugins returns one warning for each piece of Python code the
// config names that gosupervisor cannot run: [rpcinterface:x] factories
// other than MainRPCInterfaceFactory and event listener result handlers
// other than DefaultResultHandler. The daemon logs them at WARN after the
// parse warnings; it then skips those interfaces and uses the default
// handler (docs/compat.md).
func (c *Config) UnsupportedPlugins() []string {
	var out []string
	for _, p := range c.RPCInterfaces {
		if p.Factory != MainRPCInterfaceFactory {
			out = append(out, fmt.Sprintf("rpcinterface factory %s in [rpcinterface:%s] is Python code gosupervisor cannot run; the section is ignored", p.Factory, p.Name))
		}
	}
	for _, g := range c.Groups {
		if g.Kind == KindEventListener && g.ResultHandler != DefaultResultHandler {
			out = append(out, fmt.Sprintf("result_handler %s of [eventlistener:%s] is Python code gosupervisor cannot run; the default handler is used", g.ResultHandler, g.Name))
		}
	}
	return out
}

// HasMainRPCInterface reports whether the supervisor.* XML-RPC namespace
// is configured (an [rpcinterface:x] section with Supervisor's factory).
func (c *Config) HasMainRPCInterface() bool {
	for _, p := range c.RPCInterfaces {
		if p.Factory == MainRPCInterfaceFactory {
			return true
		}
	}
	return false
}
