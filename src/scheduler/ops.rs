//! Operations: `/healthz` and Prometheus `/metrics` on a configurable address (127.0.0.1 by default).

use std::net::SocketAddr;
use std::sync::OnceLock;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio_util::sync::CancellationToken;

use crate::store::Store;

/// The process-wide recorder (metrics are global; several daemons in one test process share it).
pub fn prometheus() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        let _ = metrics::set_global_recorder(recorder);
        register_series();
        handle
    })
}

/// Every series exists from the start, at zero: an idle daemon shows a queue depth of 0 and a
/// dashboard or alert never meets a missing series.
fn register_series() {
    metrics::describe_gauge!("icp_patrol_queue_depth", "jobs queued and due");
    metrics::gauge!("icp_patrol_queue_depth").set(0.0);
    metrics::describe_counter!("icp_patrol_scans_total", "scans recorded, by verdict");
    for status in crate::verdict::Status::ALL {
        metrics::counter!("icp_patrol_scans_total", "verdict" => status.as_str()).increment(0);
    }
    metrics::describe_counter!("icp_patrol_fetch_errors_total", "failed fetches, by kind");
    for kind in crate::net::ErrorKind::ALL {
        metrics::counter!("icp_patrol_fetch_errors_total", "kind" => kind.as_str()).increment(0);
    }
    metrics::describe_histogram!("icp_patrol_scan_seconds", metrics::Unit::Seconds, "time of one scan");
    metrics::describe_histogram!(
        "icp_patrol_fetch_room_wait_seconds",
        metrics::Unit::Seconds,
        "how long a response waited for room among the pages in memory (scan.pages_in_memory)"
    );
    metrics::describe_counter!("icp_patrol_renders_total", "headless renders, by outcome");
    for status in crate::render::RenderStatus::ALL {
        metrics::counter!("icp_patrol_renders_total", "outcome" => status.as_str()).increment(0);
    }
    metrics::describe_histogram!("icp_patrol_render_seconds", metrics::Unit::Seconds, "time of one render");
    metrics::describe_counter!("icp_patrol_host_holds_total", "sites or servers left alone, by reason");
    metrics::describe_counter!("icp_patrol_jobs_deferred_total", "jobs put back while their host was left alone");
    for reason in super::HoldReason::ALL {
        metrics::counter!("icp_patrol_host_holds_total", "reason" => reason.as_str()).increment(0);
        metrics::counter!("icp_patrol_jobs_deferred_total", "reason" => reason.as_str()).increment(0);
    }
    let _ = metrics::histogram!("icp_patrol_scan_seconds");
}

/// Serves until `shutdown`; returns the bound address (port 0 picks one).
pub async fn serve(addr: SocketAddr, store: Store, shutdown: CancellationToken) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(|| async { prometheus().render() }))
        .with_state(store);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).with_graceful_shutdown(shutdown.cancelled_owned()).await;
    });
    Ok(bound)
}

async fn healthz(State(store): State<Store>) -> (StatusCode, String) {
    match store.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n".into()),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("database unavailable: {e}\n")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_series_is_there_before_any_work() {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        metrics::with_local_recorder(&recorder, register_series);
        let text = handle.render();
        for line in [
            "icp_patrol_queue_depth 0",
            "icp_patrol_scans_total{verdict=\"no_record\"} 0",
            "icp_patrol_fetch_errors_total{kind=\"dns_timeout\"} 0",
            "icp_patrol_scan_seconds",
        ] {
            assert!(text.contains(line), "{line} missing from:\n{text}");
        }
    }
}
