// Command supervisord is gosupervisor's supervisord.
package main

func main() {}
