//! The process exit statuses, one table for every command (spec §3): the verdict of a scan (0, 1,
//! 2), or why the command itself failed, in the sysexits codes. README.md shows this table.

use crate::config::ConfigError;
use crate::filing::FilingError;
use crate::rules::RuleErrors;
use crate::store::{LockError, StoreError};
use crate::verdict::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Done; a scan's verdict is `compliant` or `pending`; a pre-check says go.
    Ok = 0,
    /// A scan's verdict is `notice`: a notice is due; a pre-check says no-go.
    Notice = 1,
    /// A scan's verdict is `inconclusive` or `no_record`; a pre-check is undecided.
    Undecided = 2,
    /// The command line is wrong (EX_USAGE).
    Usage = 64,
    /// Input data is wrong: a filings file, a rules directory, a value that names nothing (EX_DATAERR).
    DataErr = 65,
    /// An input file does not exist or cannot be read (EX_NOINPUT).
    NoInput = 66,
    /// A service is unavailable: the database, a lock another daemon holds (EX_UNAVAILABLE).
    Unavailable = 69,
    /// A bug or an unexpected failure (EX_SOFTWARE).
    Software = 70,
    /// The configuration is wrong (EX_CONFIG).
    Config = 78,
}

impl Exit {
    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn of_verdict(status: Status) -> Exit {
        match status {
            Status::Compliant | Status::Pending => Exit::Ok,
            Status::Notice => Exit::Notice,
            Status::NoRecord | Status::Inconclusive => Exit::Undecided,
        }
    }

    /// Why a command failed, from the first cause in its chain that says.
    pub fn of_error(error: &anyhow::Error) -> Exit {
        for cause in error.chain() {
            if cause.is::<UsageError>() {
                return Exit::Usage;
            }
            if cause.is::<DataError>() || cause.is::<RuleErrors>() {
                return Exit::DataErr;
            }
            if let Some(e) = cause.downcast_ref::<FilingError>() {
                return match e {
                    FilingError::Io { .. } => Exit::NoInput,
                    _ => Exit::DataErr,
                };
            }
            if let Some(e) = cause.downcast_ref::<ConfigError>() {
                return match e {
                    ConfigError::Read { .. } => Exit::NoInput,
                    _ => Exit::Config,
                };
            }
            // An alert channel that cannot be set up (a variable unset, a plain-http URL) is configuration.
            if cause.is::<crate::alert::AlertError>() {
                return Exit::Config;
            }
            if let Some(e) = cause.downcast_ref::<StoreError>() {
                return match e {
                    StoreError::UnsupportedUrl(_) => Exit::Config,
                    StoreError::Corrupt(_) => Exit::DataErr,
                    _ => Exit::Unavailable,
                };
            }
            if cause.is::<LockError>() || cause.is::<sqlx::Error>() {
                return Exit::Unavailable;
            }
            if let Some(io) = cause.downcast_ref::<std::io::Error>()
                && matches!(io.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied)
            {
                return Exit::NoInput;
            }
        }
        Exit::Software
    }
}

/// Arguments that parse but do not fit together (`--until` with `confirmed`, `--output -` for XLSX).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// A value that names nothing the store knows, or contradicts what it holds (a notice for a domain
/// without a filing, a second notice of a kind already sent).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DataError(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_and_failures_never_share_a_status() {
        for s in Status::ALL {
            assert_eq!(Exit::of_verdict(s).code(), s.exit_code(), "{s:?}");
        }
        let usage = anyhow::Error::new(UsageError("x".into()));
        assert_eq!(Exit::of_error(&usage), Exit::Usage);
        let data = anyhow::Error::new(DataError("x".into())).context("while recording");
        assert_eq!(Exit::of_error(&data), Exit::DataErr);
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        assert_eq!(Exit::of_error(&anyhow::Error::new(missing).context("reading x")), Exit::NoInput);
        let config = ConfigError::Invalid("bad".into());
        assert_eq!(Exit::of_error(&anyhow::Error::new(config)), Exit::Config);
        let db = StoreError::Sql(sqlx::Error::PoolTimedOut);
        assert_eq!(Exit::of_error(&anyhow::Error::new(db)), Exit::Unavailable);
        assert_eq!(Exit::of_error(&anyhow::anyhow!("a bug")), Exit::Software);
    }
}
