// Command pidproxy is gosupervisor's pidproxy.
package main

func main() {}
