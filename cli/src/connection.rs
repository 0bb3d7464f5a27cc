//! Which app and server a command talks to, and with which admin secret: the `--server-url`
//! and `--admin-secret` flags ([`crate::args::ServerArgs`]) and an app id, resolved against the
//! environment, env files and a running `jazz dev`. Shared by every command that reaches a
//! server (`deploy`, `migrations`, `schema export --schema-hash`, `permissions status`,
//! `jazz dev`'s migration stubs).

use std::path::Path;

use crate::admin::Admin;
use crate::args::ServerArgs;
use crate::commands::Context;

pub const APP_ID_VARS: &[&str] = &[
    "JAZZ_APP_ID",
    "PUBLIC_JAZZ_APP_ID",
    "VITE_JAZZ_APP_ID",
    "NEXT_PUBLIC_JAZZ_APP_ID",
    "EXPO_PUBLIC_JAZZ_APP_ID",
];
pub const SERVER_URL_VARS: &[&str] = &[
    "JAZZ_SERVER_URL",
    "PUBLIC_JAZZ_SERVER_URL",
    "VITE_JAZZ_SERVER_URL",
    "NEXT_PUBLIC_JAZZ_SERVER_URL",
    "EXPO_PUBLIC_JAZZ_SERVER_URL",
];

pub const MISSING_APP_ID: &str = "Missing app ID. Pass an <appId> positional argument or set JAZZ_APP_ID (or a framework-prefixed form such as VITE_JAZZ_APP_ID).";
pub const MISSING_SERVER_URL: &str = "Missing server URL. Pass --server-url <url> or set JAZZ_SERVER_URL (or a framework-prefixed form such as VITE_JAZZ_SERVER_URL).";
pub const MISSING_SECRET: &str =
    "Missing admin secret. Pass --admin-secret <secret> or set JAZZ_ADMIN_SECRET.";

/// App id, server URL and admin secret as resolved from flags, env and env files.
#[derive(Debug, Default, Clone)]
pub struct Settings {
    pub app_id: Option<String>,
    pub server_url: Option<String>,
    pub admin_secret: Option<String>,
}

impl Settings {
    /// From the flags, then the environment and env files, then (for a URL or secret still
    /// missing) the `jazz dev` serving this app from the project at `root`
    /// ([`crate::dev_state`]), saying where they came from.
    pub fn resolve(
        ctx: &mut Context,
        app_id: Option<&str>,
        server: &ServerArgs,
        root: &Path,
    ) -> Self {
        let mut warnings = Vec::new();
        let mut pick =
            |flag: Option<&str>, found: (Option<crate::env::Resolved>, Vec<String>)| match flag
                .filter(|v| !v.is_empty())
            {
                Some(v) => Some(v.to_owned()),
                None => {
                    warnings.extend(found.1);
                    found.0.map(|r| r.value)
                }
            };
        let mut s = Settings {
            app_id: pick(app_id, ctx.env.lookup(APP_ID_VARS)),
            server_url: pick(
                server.server_url.as_deref(),
                ctx.env.lookup(SERVER_URL_VARS),
            ),
            admin_secret: pick(
                server.admin_secret.as_deref(),
                ctx.env.secret("JAZZ_ADMIN_SECRET"),
            ),
        };
        for w in warnings {
            ctx.out.warning(&w);
        }
        s.fill_from_dev(ctx, root);
        s
    }

    /// Fills a missing server URL and admin secret from a running `jazz dev` for this app: the
    /// URL from its lock file, the secret from the file it keeps (only for that server).
    fn fill_from_dev(&mut self, ctx: &mut Context, root: &Path) {
        let Some(app) = &self.app_id else {
            return;
        };
        if self.server_url.is_some() && self.admin_secret.is_some() {
            return;
        }
        let found = crate::dev_state::find(root, app);
        let Some(running) = found.running else {
            return;
        };
        let same_server =
            |url: &str| crate::admin::normalize_url(url).is_ok_and(|u| u == running.url);
        let mut used = Vec::new();
        if self.server_url.is_none() {
            self.server_url = Some(running.url.clone());
            used.push(format!(
                "the server URL {} of the running jazz dev (pid {})",
                running.url, running.pid
            ));
        }
        if self.admin_secret.is_none()
            && self.server_url.as_deref().is_some_and(same_server)
            && let Some((secret, file)) = found.secret
        {
            self.admin_secret = Some(secret);
            used.push(format!(
                "the admin secret in {}",
                crate::paths::relative(&file, &ctx.cwd)
            ));
        }
        if !used.is_empty() {
            ctx.out.note(&format!("Using {}.", used.join(" and ")));
        }
    }

    /// The admin client; the settings are checked in the order app id, URL, secret.
    pub fn admin(&self, ctx: &Context) -> Result<Admin, String> {
        let app = self.app_id.as_deref().ok_or(MISSING_APP_ID)?;
        let url = self.server_url.as_deref().ok_or(MISSING_SERVER_URL)?;
        let secret = self.admin_secret.as_deref().ok_or(MISSING_SECRET)?;
        Admin::new(url, app, secret, ctx.http_timeout()?, ctx.verbose)
    }
}
