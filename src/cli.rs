//! The command line: scriptor-compatible `run`, `list`, `virtual-card`.

/// Entry point for command-line use; returns the process exit code.
pub fn main(_args: Vec<std::ffi::OsString>) -> i32 {
    0
}
