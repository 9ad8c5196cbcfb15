//! The console's one stylesheet and one script, served from the program (the CSP allows no other).

use axum::http::header;
use axum::response::IntoResponse;

const CSS: &str = include_str!("../static/console.css");
const JS: &str = include_str!("../static/console.js");

pub async fn css() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "max-age=3600")], CSS)
}

pub async fn js() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "max-age=3600")], JS)
}
