// Package bench holds gosupervisor's side-by-side benchmarks against the
// reference Supervisor; see bench_test.go and docs/performance.md. It has
// no code outside its tests.
package bench
