//! The GTK user interface.

/// Start the GUI; returns the exit code.
pub fn run(_files: Vec<std::path::PathBuf>) -> i32 {
    0
}
