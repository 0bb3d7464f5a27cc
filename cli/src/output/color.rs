//! When to colour a stream. A pure decision over the `--color`
//! choice, whether the stream is a terminal, and the real environment, so it can be tested
//! without a terminal. Precedence: `--color` > `NO_COLOR` > `FORCE_COLOR`/`CLICOLOR_FORCE` >
//! `TERM=dumb` > TTY detection.

use crate::args::ColorChoice;

/// Whether to colour a stream. `env` answers real-environment variables.
pub fn enabled<'a>(
    choice: ColorChoice,
    is_tty: bool,
    env: impl Fn(&str) -> Option<&'a str>,
) -> bool {
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
    let forced = |name: &str| env(name).is_some_and(|v| !v.is_empty() && v != "0");
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set("NO_COLOR") => false,
        ColorChoice::Auto if forced("FORCE_COLOR") || forced("CLICOLOR_FORCE") => true,
        ColorChoice::Auto if env("TERM") == Some("dumb") => false,
        ColorChoice::Auto => is_tty,
    }
}

/// Wraps `text` in an ANSI style when `on`.
pub fn paint(on: bool, style: Style, text: &str) -> String {
    if !on {
        return text.to_owned();
    }
    let code = match style {
        Style::Error => "1;31",
        Style::Warning => "1;33",
        Style::Note => "1;36",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// The few styles the CLI's own lines use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Error,
    Warning,
    Note,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColorChoice::*;

    fn with<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<&'a str> {
        move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
    }

    #[test]
    fn flag_wins() {
        assert!(enabled(Always, false, with(&[("NO_COLOR", "1")])));
        assert!(!enabled(Never, true, with(&[("FORCE_COLOR", "1")])));
    }

    #[test]
    fn no_color_beats_force_color_and_tty() {
        assert!(!enabled(
            Auto,
            true,
            with(&[("NO_COLOR", "1"), ("FORCE_COLOR", "1")])
        ));
        assert!(
            enabled(Auto, true, with(&[("NO_COLOR", "")])),
            "empty NO_COLOR is unset"
        );
    }

    #[test]
    fn forcing_and_tty_detection() {
        assert!(enabled(Auto, false, with(&[("FORCE_COLOR", "1")])));
        assert!(enabled(Auto, false, with(&[("CLICOLOR_FORCE", "true")])));
        assert!(!enabled(Auto, false, with(&[("FORCE_COLOR", "0")])));
        assert!(!enabled(Auto, false, with(&[])));
        assert!(enabled(Auto, true, with(&[])));
        assert!(!enabled(Auto, true, with(&[("TERM", "dumb")])));
        assert!(enabled(
            Auto,
            false,
            with(&[("TERM", "dumb"), ("FORCE_COLOR", "1")])
        ));
    }

    #[test]
    fn paints_only_when_on() {
        assert_eq!(paint(false, Style::Error, "error"), "error");
        assert_eq!(
            paint(true, Style::Warning, "warning"),
            "\x1b[1;33mwarning\x1b[0m"
        );
    }
}
