//! Command output on stdout. A reader that goes away early (`icp-patrol rules explain page.html | head`) must
//! not change what the command did or the status it reports (a pre-check's no-go, a failed fetch's 69): `println!`
//! panicked there, since Rust ignores SIGPIPE, and exiting early would report success. So a failed write is noted
//! once, later output is dropped, and the command finishes and returns its own status, as `scan` does.

use std::io::{StdoutLock, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// `println!` for command output (see the module docs).
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::output::line(format_args!($($arg)*))
    };
}
pub(crate) use say;

/// Set once stdout has failed: nothing more is written to it.
static GONE: AtomicBool = AtomicBool::new(false);

pub(crate) fn line(args: std::fmt::Arguments<'_>) {
    write(|out| out.write_fmt(args).and_then(|()| out.write_all(b"\n")));
}

/// Text that carries its own line ends.
pub(crate) fn text(s: &str) {
    write(|out| out.write_all(s.as_bytes()));
}

fn write(what: impl FnOnce(&mut StdoutLock<'static>) -> std::io::Result<()>) {
    if GONE.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = what(&mut out).and_then(|()| out.flush())
        && !GONE.swap(true, Ordering::Relaxed)
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        // A reader that left is no news; a full disk or a revoked terminal is, though the command's own status stands.
        eprintln!("warning: output not written: {e}");
    }
}
