//! Resident memory of this process, from /proc/self/status (Linux only):
//! the examples report their fits' own peak, apart from loading the data.

/// Resets the kernel's high-water mark of resident memory; `false` where
/// that is not possible (not Linux).
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// A /proc/self/status line in MiB (the kernel reports kB = KiB), e.g. "VmRSS:" (now) or "VmHWM:" (peak).
pub fn memory_mb(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
