package eddy

// Logging to the host's plugin log (with application, task and node
// attached). Standard output and standard error reach the same log.

import (
	"fmt"

	log "eddy/sdk/internal/processor/imports/eddy_plugin_log"
)

// Level is a log level.
type Level uint8

const (
	LevelTrace = Level(log.Level_Trace)
	LevelDebug = Level(log.Level_Debug)
	LevelInfo  = Level(log.Level_Info)
	LevelWarn  = Level(log.Level_Warn)
	LevelError = Level(log.Level_Error)
)

// Log writes one line to the host's log.
func Log(level Level, message string) { log.Log(log.Level(level), message) }

func Tracef(format string, args ...any) { Log(LevelTrace, fmt.Sprintf(format, args...)) }
func Debugf(format string, args ...any) { Log(LevelDebug, fmt.Sprintf(format, args...)) }
func Infof(format string, args ...any)  { Log(LevelInfo, fmt.Sprintf(format, args...)) }
func Warnf(format string, args ...any)  { Log(LevelWarn, fmt.Sprintf(format, args...)) }
func Errorf(format string, args ...any) { Log(LevelError, fmt.Sprintf(format, args...)) }
