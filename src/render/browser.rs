//! The Chromium process: found on the PATH (or named in the configuration), started headless in its
//! own process group with a throw-away profile, its network stack fenced off, and killed with its
//! whole group when dropped.

use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::net::unix::pipe;

use super::cdp::Connection;

#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    #[error("no browser: {0}")]
    NotFound(String),
    #[error("cannot start {path}: {source}")]
    Spawn { path: PathBuf, source: std::io::Error },
    #[error("setting up the DevTools pipe: {0}")]
    Pipe(std::io::Error),
}

/// Names tried on the PATH when none is configured (Debian's package installs `chromium`).
const CANDIDATES: [&str; 4] = ["chromium", "chromium-browser", "google-chrome", "headless_shell"];

/// The browser to run: the configured path, else the first candidate on the PATH.
pub fn locate(configured: Option<&Path>) -> Result<PathBuf, BrowserError> {
    if let Some(path) = configured {
        return if path.is_file() {
            Ok(path.to_path_buf())
        } else {
            Err(BrowserError::NotFound(format!("{} does not exist", path.display())))
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in CANDIDATES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err(BrowserError::NotFound(format!("none of {} on the PATH", CANDIDATES.join(", "))))
}

/// A running browser and its protocol connection.
pub struct Browser {
    pub connection: std::sync::Arc<Connection>,
    child: tokio::process::Child,
    group: Option<i32>,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// The process group the browser leads (its renderer, GPU and utility processes are in it).
    pub fn group(&self) -> Option<i32> {
        self.group
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The renderer, GPU and utility processes share the group: all of them go.
        if let Some(group) = self.group {
            // SAFETY: kill(2) with a negative pid signals the process group the browser leads; it
            // touches no memory of this process.
            unsafe {
                libc::kill(-group, libc::SIGKILL);
            }
        }
        let _ = self.child.start_kill();
    }
}

/// Every request the page makes is answered through interception; these flags make sure the
/// browser's own network stack has nowhere to go if anything slips past it: every name resolves
/// to nothing and every connection is sent to a loopback proxy that refuses it.
///
/// `direct` names loopback addresses the browser may reach itself (a driven page of the console's own
/// tests); a scan's renders pass none.
fn arguments(profile: &Path, black_hole: std::net::SocketAddr, direct: &[std::net::SocketAddr]) -> Vec<String> {
    let mut args: Vec<String> = [
        "--headless=new",
        "--remote-debugging-pipe",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-sync",
        "--disable-breakpad",
        "--disable-domain-reliability",
        "--disable-client-side-phishing-detection",
        "--disable-features=OptimizationHints,MediaRouter,Translate,InterestFeedContentSuggestions,DnsOverHttps,AutofillServerCommunication,CertificateTransparencyComponentUpdater",
        "--metrics-recording-only",
        "--no-pings",
        "--mute-audio",
        "--hide-scrollbars",
        "--disable-gpu",
        "--window-size=1280,900",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Names resolve to nothing; the direct addresses (IP literals) are left to be reached.
    let resolver: Vec<String> = std::iter::once("MAP * ~NOTFOUND".to_string())
        .chain(direct.iter().map(|a| format!("EXCLUDE {}", a.ip())))
        .collect();
    args.push(format!("--host-resolver-rules={}", resolver.join(", ")));
    args.push(format!("--proxy-server=http://{black_hole}"));
    let bypass: Vec<String> =
        std::iter::once("<-loopback>".to_string()).chain(direct.iter().map(ToString::to_string)).collect();
    args.push(format!("--proxy-bypass-list={}", bypass.join(";")));
    args.push(format!("--user-data-dir={}", profile.display()));
    // Chromium's sandbox needs user namespaces it cannot have as root (CI runs as root).
    // SAFETY: geteuid(2) has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        args.push("--no-sandbox".into());
    }
    args.push("about:blank".into());
    args
}

/// A copy of `fd` numbered 10 or above, close-on-exec, so the child's `dup2` onto 3 and 4 can never
/// meet a descriptor already sitting there.
fn high(fd: &OwnedFd) -> Result<OwnedFd, BrowserError> {
    use std::os::fd::FromRawFd;
    // SAFETY: fcntl(F_DUPFD_CLOEXEC) on a descriptor we own returns a new descriptor or -1.
    let raw = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 10) };
    if raw < 0 {
        return Err(BrowserError::Pipe(std::io::Error::last_os_error()));
    }
    // SAFETY: `raw` was just returned by fcntl and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(raw) })
}

impl Browser {
    pub async fn start(
        path: &Path,
        black_hole: std::net::SocketAddr,
        direct: &[std::net::SocketAddr],
    ) -> Result<Browser, BrowserError> {
        let profile = tempfile::Builder::new().prefix("icp-patrol-browser-").tempdir().map_err(BrowserError::Pipe)?;
        let (commands_read, commands_write) = std::io::pipe().map_err(BrowserError::Pipe)?;
        let (events_read, events_write) = std::io::pipe().map_err(BrowserError::Pipe)?;
        let child_in = high(&OwnedFd::from(commands_read))?;
        let child_out = high(&OwnedFd::from(events_write))?;
        let (fd_in, fd_out): (RawFd, RawFd) = (child_in.as_raw_fd(), child_out.as_raw_fd());
        let mut command = tokio::process::Command::new(path);
        command
            .args(arguments(profile.path(), black_hole, direct))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .env_remove("http_proxy")
            .env_remove("https_proxy")
            .env_remove("HTTP_PROXY")
            .env_remove("HTTPS_PROXY")
            .env_remove("ALL_PROXY")
            .env_remove("all_proxy")
            .process_group(0)
            .kill_on_drop(true);
        // SAFETY: between fork and exec only dup2(2) runs, which is async-signal-safe; the sources are
        // descriptors numbered 10 and above, so the targets 3 and 4 (which dup2 leaves inheritable)
        // never alias them.
        unsafe {
            command.pre_exec(move || {
                if libc::dup2(fd_in, 3) < 0 || libc::dup2(fd_out, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn().map_err(|source| BrowserError::Spawn { path: path.to_path_buf(), source })?;
        drop(child_in);
        drop(child_out);
        let group = child.id().and_then(|id| i32::try_from(id).ok());
        let to_browser = pipe::Sender::from_owned_fd(OwnedFd::from(commands_write)).map_err(BrowserError::Pipe)?;
        let from_browser = pipe::Receiver::from_owned_fd(OwnedFd::from(events_read)).map_err(BrowserError::Pipe)?;
        Ok(Browser {
            connection: std::sync::Arc::new(Connection::new(to_browser, from_browser)),
            child,
            group,
            _profile: profile,
        })
    }
}
