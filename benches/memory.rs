//! Peak memory: 10,000 calls with 256 in flight through one facade `Client`, against the
//! in-process fixed-answer server. Prints the peak RSS (`VmHWM` in `/proc/self/status`) and fails
//! if it passes 64 MiB. Not timed.
//!
//! ```sh
//! cargo bench --bench memory
//! ```
//!
//! The number is for the whole process: client, server, runtime and the benchmark itself, so it
//! is an upper bound for the client. The raw reqwest baseline runs after the facade, with the
//! peak reset in between (`/proc/self/clear_refs`), for comparison.

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
    if let Some(filter) = std::env::args().skip(1).find(|a| !a.starts_with("--")) {
        if !"memory".contains(filter.as_str()) {
            return;
        }
    }
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
    let start_kib = common::status_kib("VmRSS").unwrap_or(0);

    let client = common::facade(&url);
    let facade = run(&rt, {
        let client = client.clone();
        move |op| {
            let client = client.clone();
            async move { op.facade(&client).await }
        }
    });
    let facade_peak = mib(common::status_kib("VmHWM"));

    // Reset the peak so the baseline's is its own (Linux >= 4.0).
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let raw = Arc::new(Raw::new(&url));
    let baseline = run(&rt, move |op| {
        let raw = raw.clone();
        async move { op.raw(&raw).await }
    });
    let raw_peak = mib(common::status_kib("VmHWM"));

    println!(
        "memory: {CALLS} calls (balance, list, update_settings, create in turn), {IN_FLIGHT} in flight"
    );
    println!("  RSS before any call: {:.1} MiB", start_kib as f64 / 1024.0);
    println!(
        "  facade: peak RSS {facade_peak:.1} MiB, {:.2} s (limit {LIMIT_MIB} MiB)",
        facade
    );
    if reset {
        println!("  raw reqwest: peak RSS {raw_peak:.1} MiB, {baseline:.2} s (peak reset before it)");
    } else {
        println!("  raw reqwest: {baseline:.2} s (peak could not be reset; not comparable)");
    }
    assert!(
        facade_peak < LIMIT_MIB,
        "peak RSS {facade_peak:.1} MiB is over {LIMIT_MIB} MiB"
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
