//! The server's log: lines to `--log-file` or stderr, never stdout (stdout carries protocol
//! frames only). The level comes from `--log-level` or `JAZZ_LSP_LOG`; the default is `warn`.

use std::fmt;
use std::io::Write;
use std::str::FromStr;
use std::sync::Mutex;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl FromStr for Level {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "error" => Level::Error,
            "warn" | "warning" => Level::Warn,
            "info" => Level::Info,
            "debug" => Level::Debug,
            "trace" => Level::Trace,
            other => {
                return Err(format!(
                    "unknown log level `{other}` (error, warn, info, debug, trace)"
                ));
            }
        })
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
            Level::Trace => "trace",
        })
    }
}

/// A line logger with a level threshold.
pub struct Log {
    level: Level,
    sink: Mutex<Box<dyn Write + Send>>,
}

impl fmt::Debug for Log {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Log").field("level", &self.level).finish()
    }
}

impl Log {
    pub fn new(level: Level, sink: Box<dyn Write + Send>) -> Self {
        Self {
            level,
            sink: Mutex::new(sink),
        }
    }

    /// A logger that writes nothing (tests, benchmarks).
    pub fn silent() -> Self {
        Self::new(Level::Error, Box::new(std::io::sink()))
    }

    pub fn enabled(&self, level: Level) -> bool {
        level <= self.level
    }

    pub fn write(&self, level: Level, message: impl fmt::Display) {
        if !self.enabled(level) {
            return;
        }
        if let Ok(mut sink) = self.sink.lock() {
            // A log that cannot be written must not take the server down.
            let _ = writeln!(sink, "[jazz-lsp {level}] {message}");
            let _ = sink.flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_and_filter() {
        assert_eq!("WARN".parse::<Level>(), Ok(Level::Warn));
        assert!("loud".parse::<Level>().is_err());
        let log = Log::new(Level::Info, Box::new(std::io::sink()));
        assert!(log.enabled(Level::Error));
        assert!(!log.enabled(Level::Debug));
    }
}
