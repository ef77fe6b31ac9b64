//! Peak memory: 10,000 calls with 256 in flight through one facade `Client`, against the
//! in-process fixed-answer server. Prints the peak RSS (`VmHWM` in `/proc/self/status`) and fails
//! if it passes 64 MiB. Not timed.
//!
//! ```sh
//! cargo bench --bench memory
//! ```
//!
//! The number is for the whole process: client, server, runtime and the benchmark itself, so it
//! is an upper bound for the client. The raw reqwest baseline runs the same calls in a process of
//! its own, for comparison.

mod common;

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use common::{Op, Raw, Server};

const CALLS: usize = 10_000;
const IN_FLIGHT: usize = 256;
const LIMIT_MIB: f64 = 64.0;

fn main() {
    // `cargo bench` passes `--bench`; any other argument is a criterion-style filter, which this
    // benchmark has nothing to match against unless it says "memory".
    if let Some(filter) = std::env::args().skip(1).find(|a| !a.starts_with("--"))
        && !"memory".contains(filter.as_str())
    {
        return;
    }
    match std::env::var("VONAGE_MEMORY_ONLY").as_deref() {
        Ok("facade") => return measure(true),
        Ok("raw") => return measure(false),
        _ => {}
    }
    // Each client in a process of its own, so that one's peak does not include the other's.
    println!(
        "memory: {CALLS} calls (balance, list, update_settings, create in turn), {IN_FLIGHT} in flight, one process each"
    );
    let mut facade_peak = None;
    for which in ["facade", "raw"] {
        let out = std::process::Command::new(std::env::current_exe().expect("this program"))
            .env("VONAGE_MEMORY_ONLY", which)
            .output()
            .expect("run the measurement");
        let text = String::from_utf8_lossy(&out.stdout);
        print!("{text}");
        assert!(
            out.status.success(),
            "{which}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if which == "facade" {
            facade_peak = text
                .split_whitespace()
                .skip_while(|w| *w != "peak")
                .nth(2)
                .and_then(|w| w.parse::<f64>().ok());
        }
    }
    let facade_peak = facade_peak.expect("the facade's peak was printed");
    println!("  limit for the facade: {LIMIT_MIB} MiB");
    assert!(
        facade_peak < LIMIT_MIB,
        "peak RSS {facade_peak:.1} MiB is over {LIMIT_MIB} MiB"
    );
}

/// One run, in this process: the facade or the raw baseline.
fn measure(facade: bool) {
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("server runtime");
    let server = Server::start(&server_rt);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("client runtime");
    let url = server.url();
    let before = mib(common::status_kib("VmHWM"));
    let seconds = if facade {
        let client = common::facade(&url);
        run(&rt, move |op| {
            let client = client.clone();
            async move { op.facade(&client).await }
        })
    } else {
        let raw = Arc::new(Raw::new(&url));
        run(&rt, move |op| {
            let raw = raw.clone();
            async move { op.raw(&raw).await }
        })
    };
    let peak = mib(common::status_kib("VmHWM"));
    println!(
        "  {:<6}: peak RSS {peak:.1} MiB ({before:.1} MiB before the first call), {seconds:.2} s",
        if facade { "facade" } else { "raw" }
    );
}

fn mib(kib: Option<u64>) -> f64 {
    kib.expect("VmHWM in /proc/self/status") as f64 / 1024.0
}

/// Runs `CALLS` calls with `IN_FLIGHT` workers pulling from a shared counter; returns seconds.
fn run<F, Fut>(rt: &tokio::runtime::Runtime, call: F) -> f64
where
    F: Fn(Op) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let started = std::time::Instant::now();
    rt.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..IN_FLIGHT {
            let next = next.clone();
            let call = call.clone();
            tasks.spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= CALLS {
                        break;
                    }
                    call(Op::ALL[i % Op::ALL.len()]).await;
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.expect("a call task panicked");
        }
    });
    started.elapsed().as_secs_f64()
}
