// Command echo_supervisord_conf is gosupervisor's echo_supervisord_conf.
package main

func main() {}
