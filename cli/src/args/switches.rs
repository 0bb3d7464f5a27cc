//! Boolean flags, in one style for every command. A switch is a `bool` field with a bare
//! `#[arg(long)]` (clap's `SetTrue`), shown in the help as `--flag`; [`explicit_switch_values`]
//! makes every switch also accept `--flag=true|false|1|0`, so a new switch needs nothing more
//! than that one line. A flag whose absence differs from both values (`--allow-local-first-auth`
//! of `jazz dev` and `jazz server`) is the one other shape: `--flag[=<BOOL>]`, an `Option`
//! with `num_args = 0..=1, require_equals = true, default_missing_value = "true"`, its value read
//! with [`parse_bool`]; `tests::value_flags_share_one_shape` keeps such flags alike.

use std::collections::BTreeMap;
use std::ffi::OsString;

use clap::ArgAction;

/// Boolean switches are shown and parsed as plain `--flag` (one style for every command), and
/// `--flag=true|false|1|0` is still accepted: this rewrites such an argument to `--flag`
/// or drops it before clap sees the line. Only names that are a switch wherever they appear
/// are rewritten (`--bytecode` takes a file in `permissions test`), and nothing after `--`.
/// `Err` names a switch given another value.
pub fn explicit_switch_values(
    cmd: &clap::Command,
    args: Vec<OsString>,
) -> Result<Vec<OsString>, String> {
    let mut switches: BTreeMap<String, bool> = BTreeMap::new();
    collect_switches(cmd, &mut switches);
    let mut out = Vec::with_capacity(args.len());
    let mut rest = false;
    for (i, arg) in args.into_iter().enumerate() {
        let text = arg.to_str().map(str::to_owned);
        match text {
            Some(t) if !rest && i > 0 && t == "--" => {
                rest = true;
                out.push(arg);
            }
            Some(t) if !rest && i > 0 => {
                let split = t
                    .strip_prefix("--")
                    .or_else(|| t.strip_prefix('-').filter(|s| s.len() > 2))
                    .and_then(|s| s.split_once('='));
                match split {
                    Some((name, value)) if switches.get(name) == Some(&true) => {
                        match parse_bool(value) {
                            Ok(true) => {
                                out.push(OsString::from(t[..t.len() - value.len() - 1].to_owned()))
                            }
                            Ok(false) => {}
                            Err(e) => {
                                let dashes = if t.starts_with("--") { "--" } else { "-" };
                                return Err(format!(
                                    "invalid value '{value}' for '{dashes}{name}': {e}"
                                ));
                            }
                        }
                    }
                    _ => out.push(arg),
                }
            }
            _ => out.push(arg),
        }
    }
    Ok(out)
}

/// Long and short names of every argument in the tree: `true` when it is a switch everywhere.
fn collect_switches(cmd: &clap::Command, into: &mut BTreeMap<String, bool>) {
    for arg in cmd.get_arguments() {
        let switch = matches!(arg.get_action(), ArgAction::SetTrue);
        let names = arg
            .get_long()
            .map(str::to_owned)
            .into_iter()
            .chain(arg.get_short().map(String::from));
        for name in names {
            let entry = into.entry(name).or_insert(switch);
            *entry = *entry && switch;
        }
    }
    for sub in cmd.get_subcommands() {
        collect_switches(sub, into);
    }
}

/// `true`, `false`, `1` or `0`: the one boolean syntax of every flag that takes a value.
pub fn parse_bool(s: &str) -> Result<bool, String> {
    match s {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(format!("expected true, false, 1 or 0, got '{s}'")),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use crate::args::Cli;

    /// Every argument that takes a `BOOL` value, as `<command path> --<long>`.
    fn value_flags(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Arg)>) {
        for arg in cmd.get_arguments() {
            let names = arg.get_value_names().unwrap_or_default();
            if names.iter().any(|n| n.as_str() == "BOOL") {
                let long = arg.get_long().unwrap_or_default();
                out.push((format!("{path} --{long}"), arg.clone()));
            }
        }
        for sub in cmd.get_subcommands() {
            value_flags(sub, &format!("{path} {}", sub.get_name()), out);
        }
    }

    #[test]
    fn value_flags_share_one_shape() {
        let mut cmd = Cli::command();
        cmd.build();
        let mut found = Vec::new();
        value_flags(&cmd, "jazz", &mut found);
        let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "jazz server --allow-local-first-auth",
                "jazz dev --allow-local-first-auth"
            ]
        );
        for (name, arg) in &found {
            assert_eq!(arg.get_num_args(), Some((0..=1).into()), "{name}: num_args");
            assert!(arg.is_require_equals_set(), "{name}: require_equals");
            // Given bare, the flag reads as `true`.
            let argv: Vec<&str> = name.split(' ').collect();
            let mut matches = cmd.clone().try_get_matches_from(&argv).expect(name);
            for sub in &argv[1..argv.len() - 1] {
                matches = matches.subcommand_matches(sub).expect(sub).clone();
            }
            let raw: Vec<_> = matches
                .get_raw(arg.get_id().as_str())
                .expect(name)
                .collect();
            assert_eq!(raw, ["true"], "{name}: default_missing_value");
            assert!(
                matches!(arg.get_action(), clap::ArgAction::Set),
                "{name}: action"
            );
        }
    }
}
