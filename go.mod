module github.com/gosupervisor/gosupervisor

go 1.26.8
