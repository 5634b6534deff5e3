package config

import "reflect"

// Diff is a placeholder until the config package's own lands: it compares
// groups by deep equality, ignoring AUTO log names.
func Diff(active []*GroupConfig, next *Config) (added, changed, removed []*GroupConfig) {
	cur := map[string]*GroupConfig{}
	for _, g := range active {
		cur[g.Name] = g
	}
	nxt := map[string]*GroupConfig{}
	for _, g := range next.Groups {
		nxt[g.Name] = g
		if c, ok := cur[g.Name]; !ok {
			added = append(added, g)
		} else if !reflect.DeepEqual(c, g) {
			changed = append(changed, g)
		}
	}
	for _, g := range active {
		if _, ok := nxt[g.Name]; !ok {
			removed = append(removed, g)
		}
	}
	return
}
