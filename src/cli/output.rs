//! Command output on stdout. A reader that goes away early (`icp-patrol rules explain page.html | head`) ends
//! the command quietly, as Unix filters do; `println!` would panic with a backtrace instead, since Rust
//! ignores SIGPIPE. The command's work is done by the time it prints, so nothing is lost.

use std::io::Write;

use super::Exit;

/// `println!` for command output (see the module docs).
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::output::line(format_args!($($arg)*))
    };
}
pub(crate) use say;

/// One line of output.
pub(crate) fn line(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    settle(out.write_fmt(args).and_then(|()| out.write_all(b"\n")));
}

/// Text written as it is (it carries its own line ends).
pub(crate) fn text(s: &str) {
    let mut out = std::io::stdout().lock();
    settle(out.write_all(s.as_bytes()).and_then(|()| out.flush()));
}

fn settle(written: std::io::Result<()>) {
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(Exit::Ok.code().into()),
        Err(e) => {
            eprintln!("error: cannot write the output: {e}");
            std::process::exit(Exit::Software.code().into());
        }
    }
}
