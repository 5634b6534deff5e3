// Command supervisorctl is gosupervisor's supervisorctl.
package main

func main() {}
