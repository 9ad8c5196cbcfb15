//! A real DNS server on 127.0.0.1 for the tests (hickory-server, in process): an authoritative zone
//! from zone text, plus `servfail.*` names that answer SERVFAIL and `slow.*` names that answer late.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hickory_server::Server;
use hickory_server::net::runtime::{Time, TokioRuntimeProvider};
use hickory_server::proto::op::{Header, HeaderCounts, MessageType, Metadata, ResponseCode};
use hickory_server::proto::rr::{LowerName, Name};
use hickory_server::proto::serialize::txt::Parser;
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, MessageResponseBuilder, ZoneHandler, ZoneType};
use tokio::net::{TcpListener, UdpSocket};

pub const SLOW_ANSWER: Duration = Duration::from_secs(3);

struct Handler {
    catalog: Catalog,
}

#[async_trait::async_trait]
impl RequestHandler for Handler {
    async fn handle_request<R: ResponseHandler, T: Time>(&self, request: &Request, mut response: R) -> ResponseInfo {
        let name = request.request_info().map(|i| i.query.name().to_string()).unwrap_or_default();
        if name.starts_with("servfail.") {
            let message = MessageResponseBuilder::new(&request.queries, None)
                .error_msg(&request.metadata, ResponseCode::ServFail);
            return response.send_response(message).await.unwrap_or_else(|_| {
                let mut metadata = Metadata::new(request.metadata.id, MessageType::Response, request.metadata.op_code);
                metadata.response_code = ResponseCode::ServFail;
                ResponseInfo::from(Header { metadata, counts: HeaderCounts::default() })
            });
        }
        if name.starts_with("slow.") {
            tokio::time::sleep(SLOW_ANSWER).await;
        }
        self.catalog.handle_request::<R, T>(request, response).await
    }
}

pub struct TestDns {
    pub addr: SocketAddr,
    _task: tokio::task::JoinHandle<()>,
}

impl Drop for TestDns {
    fn drop(&mut self) {
        self._task.abort();
    }
}

/// Serves `zone` (zone-file text) for `origin` on 127.0.0.1, UDP and TCP on the same port.
pub async fn start(origin: &str, zone: &str) -> TestDns {
    let origin_name = Name::from_ascii(origin).expect("origin");
    let (origin_name, records) = Parser::new(zone, None, Some(origin_name)).parse().expect("zone parses");
    let handler = InMemoryZoneHandler::<TokioRuntimeProvider>::new(
        origin_name.clone(),
        records,
        ZoneType::Primary,
        AxfrPolicy::Deny,
    )
    .expect("zone handler");
    let mut catalog = Catalog::new();
    catalog.upsert(LowerName::new(&origin_name), vec![Arc::new(handler) as Arc<dyn ZoneHandler>]);
    // UDP and TCP must share a port; an ephemeral TCP port of another test may hold the one UDP got.
    let mut bound = None;
    for _ in 0..50 {
        let udp = UdpSocket::bind("127.0.0.1:0").await.expect("udp");
        let addr = udp.local_addr().expect("addr");
        if let Ok(tcp) = TcpListener::bind(addr).await {
            bound = Some((udp, tcp, addr));
            break;
        }
    }
    let (udp, tcp, addr) = bound.expect("a port free for both UDP and TCP");
    let mut server = Server::new(Handler { catalog });
    server.register_socket(udp);
    server.register_listener(tcp, Duration::from_secs(5), 1024);
    let task = tokio::spawn(async move {
        let _ = server.block_until_done().await;
    });
    TestDns { addr, _task: task }
}
