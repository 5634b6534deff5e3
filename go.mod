module github.com/gosupervisor/gosupervisor

go 1.26.8

require (
	github.com/chzyer/readline v1.5.1
	github.com/spf13/cobra v1.10.2
	golang.org/x/sys v0.0.0-20220310020820-b874c991c1a5
)

require (
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
)
