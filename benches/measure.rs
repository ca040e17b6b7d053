//! Shared by the benchmarks (`#[path = "measure.rs"] mod measure;`): one
//! `carebook build` (or any program) as a child process, measured from
//! outside (wall time, CPU time and the child's own peak memory, from `wait4`).

use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One build, measured from outside.
#[derive(Debug, Clone, Copy)]
pub struct RunResult {
    pub wall: Duration,
    /// User plus system time of the child: above `wall` when it ran in parallel.
    #[allow(dead_code, reason = "each benchmark reads the times it prints")]
    pub cpu: Duration,
    /// The two parts of `cpu`.
    #[allow(dead_code, reason = "each benchmark reads the times it prints")]
    pub user: Duration,
    #[allow(dead_code, reason = "each benchmark reads the times it prints")]
    pub sys: Duration,
    pub peak_rss_kib: u64,
}

/// Runs `carebook build --root ROOT --output OUTPUT` as a child process and
/// measures it from outside; returns what it printed on stderr too.
pub fn run_build(
    carebook: &str,
    root: &Path,
    output: &Path,
) -> Result<(RunResult, String), String> {
    run_carebook(
        carebook,
        &[
            "build".as_ref(),
            "--root".as_ref(),
            root.as_os_str(),
            "--output".as_ref(),
            output.as_os_str(),
        ],
    )
}

/// Runs `carebook ARGS` as a child process and measures it from outside.
/// Exit 0 is success; for `check`, so is 1 (problems found) when it printed
/// its report.
pub fn run_carebook(
    carebook: &str,
    args: &[&std::ffi::OsStr],
) -> Result<(RunResult, String), String> {
    run_program("carebook", carebook, args)
}

/// Runs `PROGRAM ARGS` as a child process and measures it from outside;
/// exit 0 is success. `name` is what an error message calls it.
pub fn run_program(
    name: &str,
    program: &str,
    args: &[&std::ffi::OsStr],
) -> Result<(RunResult, String), String> {
    let started = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot start {program}: {err}"))?;
    // Read stderr to its end before waiting, so a chatty failing build cannot
    // block on a full pipe.
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        pipe.read_to_string(&mut stderr).map_err(|err| format!("reading its stderr: {err}"))?;
    }
    let (status, usage) = wait_with_usage(child.id())?;
    let wall = started.elapsed();
    if status != 0 {
        let command: Vec<_> = args.iter().map(|a| a.to_string_lossy()).collect();
        return Err(format!("{name} {} failed ({status}):\n{stderr}", command.join(" ")));
    }
    let user = timeval(usage.ru_utime);
    let sys = timeval(usage.ru_stime);
    let cpu = user + sys;
    // ru_maxrss is in KiB on Linux (bytes on macOS).
    let peak_rss_kib = u64::try_from(usage.ru_maxrss).unwrap_or(0);
    Ok((RunResult { wall, cpu, user, sys, peak_rss_kib }, stderr))
}

/// Reaps the child `pid` and returns its wait status and resource usage.
///
/// `wait4` gives the usage of this one child. `getrusage(RUSAGE_CHILDREN)`
/// would give the largest peak of all children waited for so far, so a small
/// build run after a big one would show the big one's memory.
#[allow(unsafe_code, reason = "wait4 is the only way to read a child's peak memory")]
fn wait_with_usage(pid: u32) -> Result<(i32, libc::rusage), String> {
    let pid = libc::pid_t::try_from(pid).map_err(|_| format!("odd process id {pid}"))?;
    let mut status: libc::c_int = 0;
    // SAFETY: a zeroed rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: both pointers are to live locals; `pid` is our own child,
        // which std has not reaped (we never call `Child::wait`).
        let reaped = unsafe { libc::wait4(pid, &raw mut status, 0, &raw mut usage) };
        if reaped == pid {
            break;
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("wait4 on the build: {err}"));
        }
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        // Killed by a signal: report it as a negative number.
        -libc::WTERMSIG(status)
    };
    Ok((code, usage))
}

fn timeval(tv: libc::timeval) -> Duration {
    let secs = u64::try_from(tv.tv_sec).unwrap_or(0);
    let micros = u32::try_from(tv.tv_usec).unwrap_or(0);
    Duration::from_secs(secs) + Duration::from_micros(micros.into())
}
