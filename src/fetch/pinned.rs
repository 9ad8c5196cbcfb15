//! The resolver reqwest asks during one scan. It answers only with addresses the fetcher vetted
//! beforehand, so DNS is asked once and nothing can change between the check and the connection.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

#[derive(Debug, Clone, Default)]
pub(crate) struct PinnedResolver {
    table: Arc<Mutex<HashMap<String, Vec<SocketAddr>>>>,
}

impl PinnedResolver {
    pub(crate) fn pin(&self, host: &str, addrs: Vec<SocketAddr>) {
        self.table.lock().unwrap_or_else(|p| p.into_inner()).insert(host.to_ascii_lowercase(), addrs);
    }
}

impl Resolve for PinnedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let found = self.table.lock().unwrap_or_else(|p| p.into_inner()).get(name.as_str()).cloned();
        Box::pin(async move {
            match found {
                Some(addrs) => Ok(Box::new(addrs.into_iter()) as Addrs),
                None => Err(format!("{} was not vetted for this scan", name.as_str()).into()),
            }
        })
    }
}
