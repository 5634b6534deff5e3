package ctl

import (
	"fmt"

	"github.com/gosupervisor/gosupervisor/internal/faults"
)

// A result is one entry of a group or "all" call's array, or a fault of a
// single-process call turned into one ({status, name, group,
// description}), as the reference's do_start/do_stop/do_signal/do_clear
// build them.

// faultResult is the dict the reference builds from a single call's fault.
func faultResult(f *Fault, group, process string) Dict {
	return Dict{
		{Key: "status", Value: int64(f.Code)},
		{Key: "name", Value: process},
		{Key: "group", Value: group},
		{Key: "description", Value: f.String},
	}
}

// resultMessages maps fault codes to the text in "<name>: ERROR (<text>)".
type resultMessages struct {
	codes   []faults.Code
	texts   []string
	success string // "<name>: <success>"
	// failedRaw prints a FAILED result's description as is (_signalresult).
	failedRaw bool
	// lines are where the reference reads result['group'] and
	// result['status'], and where it raises ValueError for a code it does
	// not know.
	nameLine, statusLine, descLine, raiseLine int
}

var startMessages = resultMessages{
	codes:    []faults.Code{faults.BadName, faults.NoFile, faults.NotExecutable, faults.AlreadyStarted, faults.SpawnError, faults.AbnormalTermination},
	texts:    []string{"no such process", "no such file", "file is not executable", "already started", "spawn error", "abnormal termination"},
	success:  "started",
	nameLine: 743, statusLine: 744, raiseLine: 761,
}

func signalMessages(success string) resultMessages {
	return resultMessages{
		codes:     []faults.Code{faults.BadName, faults.BadSignal, faults.NotRunning},
		texts:     []string{"no such process", "bad signal name", "not running"},
		success:   success,
		failedRaw: true,
		nameLine:  820, statusLine: 821, descLine: 822, raiseLine: 835,
	}
}

var clearMessages = resultMessages{
	codes:    []faults.Code{faults.BadName, faults.Failed},
	texts:    []string{"no such process", "failed"},
	success:  "cleared",
	nameLine: 1251, statusLine: 1252, raiseLine: 1260,
}

// format is _startresult/_signalresult/_clearresult: the line for a
// result, or the ValueError the reference raises for an unknown code.
func (m *resultMessages) format(result any) (string, error) {
	name, err := namespecOf(result, m.nameLine)
	if err != nil {
		return "", err
	}
	code, err := getKey(result, "status", m.statusLine)
	if err != nil {
		return "", err
	}
	var desc any
	if m.descLine != 0 {
		if desc, err = getKey(result, "description", m.descLine); err != nil {
			return "", err
		}
	}
	for i, fc := range m.codes {
		if pyEqInt(code, int64(fc)) {
			return name + ": ERROR (" + m.texts[i] + ")", nil
		}
	}
	if pyEqInt(code, int64(faults.Success)) {
		return name + ": " + m.success, nil
	}
	if m.failedRaw && pyEqInt(code, int64(faults.Failed)) {
		if s, ok := desc.(string); ok {
			return s, nil
		}
		return "", concatStr(desc)
	}
	return "", valueError(fmt.Sprintf("Unknown result code %s for %s", pyStr(code), name), m.raiseLine)
}

// showResults prints each result of a group or "all" call and sets the
// exit status from its code.
func (c *Controller) showResults(results any, m *resultMessages, forLine int, ignored faults.Code) error {
	items, err := pyIter(results, forLine)
	if err != nil {
		return err
	}
	for _, r := range items {
		line, err := m.format(r)
		if err != nil {
			return err
		}
		c.output(line)
		code, _ := getKey(r, "status", m.statusLine)
		c.setExitFromFault(code, int64(ignored))
	}
	return nil
}
