//! Boolean flags.

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
