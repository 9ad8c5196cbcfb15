//! Each receiver's request and how its answer is read (pure): the payload shapes, signatures and
//! size limits as the vendors document them.
//!
//! - WeCom group robot (企业微信群机器人), <https://developer.work.weixin.qq.com/document/path/91770>
//!   (also <https://work.weixin.qq.com/api/doc/90000/90136/91770>): `POST` the webhook URL (its `key`
//!   is the credential) with `{"msgtype":"markdown","markdown":{"content":…}}`, content at most 4096
//!   bytes of UTF-8 (`text`: 2048); the answer is HTTP 200 with `{"errcode":0,"errmsg":"ok"}`, any
//!   other `errcode` a failure (40058: content too long, 93000: invalid key, 45009: rate limit).
//! - DingTalk custom robot (钉钉自定义机器人), <https://open.dingtalk.com/document/orgapp/custom-robot-access>
//!   (formerly <https://developers.dingtalk.com/document/robots/custom-robot-access>; message types at
//!   <https://open.dingtalk.com/document/development/robot-message-type>):
//!   `{"msgtype":"markdown","markdown":{"title":…,"text":…}}`; 加签 appends `timestamp` (Unix
//!   milliseconds, within an hour of DingTalk's clock) and `sign` = urlencode(base64(HMAC-SHA256(key =
//!   secret, message = timestamp + "\n" + secret))) to the query; answer `{"errcode":0,…}` (130101:
//!   sending too fast, 310000: signature or keyword refused). The pages consulted give no byte limit
//!   for a markdown text; 20000 bytes is the limit commonly reported, and kept to here.
//! - Feishu / Lark custom bot (飞书自定义机器人), <https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot>:
//!   `{"msg_type":"text","content":{"text":…}}`, the request body at most 20 KB; 签名校验 adds
//!   `timestamp` (Unix seconds, as a string) and `sign` = base64(HMAC-SHA256(key = timestamp + "\n" +
//!   secret, message = empty)) to the body; answer `{"code":0,…}` (19021: signature refused, 11232:
//!   rate limit; older deployments answer `StatusCode` instead of `code`).
//! - The generic webhook (ours, `docs/alert-v1.schema.json`): the digest as JSON, with
//!   `X-Icp-Patrol-Timestamp` (Unix seconds, also `sent_at` in the signed body, so a replay can be
//!   told by its age) and `X-Icp-Patrol-Signature: sha256=<hex HMAC-SHA256(secret, body)>`; any 2xx
//!   is success.

use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::json;

use super::digest::Digest;
use super::message::{Limits, Part, Style};
use super::secret::Secret;
use super::settings::{ChannelKind, Msgtype};

/// Messages one digest may take on a chat robot (they allow about 20 a minute).
pub const MAX_PARTS: usize = 3;
/// The generic webhook's body: past this the lists are shortened (and the count of what was left
/// out is in the body).
pub const WEBHOOK_MAX_BYTES: usize = 1 << 20;
/// Feishu's documented request limit, and the room kept in it for the JSON around the text
/// (escaped line ends, the signature).
pub const FEISHU_MAX_BODY: usize = 20 * 1024;
const FEISHU_TEXT_BYTES: usize = FEISHU_MAX_BODY - 2048;

/// The style and limits of a chat robot's (or a mail's) content.
pub fn format(kind: ChannelKind, msgtype: Msgtype) -> (Style, Limits) {
    let chat = |bytes| Limits { bytes, parts: MAX_PARTS };
    match (kind, msgtype) {
        (ChannelKind::Wecom, Msgtype::Markdown) => (Style::Markdown, chat(4096)),
        (ChannelKind::Wecom, Msgtype::Text) => (Style::Text, chat(2048)),
        (ChannelKind::Dingtalk, Msgtype::Markdown) => (Style::Markdown, chat(20_000)),
        (ChannelKind::Dingtalk, Msgtype::Text) => (Style::Text, chat(20_000)),
        (ChannelKind::Feishu, _) => (Style::Text, chat(FEISHU_TEXT_BYTES)),
        // A mail has no practical limit; a megabyte keeps a runaway digest readable.
        (ChannelKind::Email | ChannelKind::Webhook, _) => (Style::Text, Limits { bytes: 1 << 20, parts: 1 }),
    }
}

/// An HTTP request ready to go; `url` may carry a credential and is never logged.
#[derive(Clone)]
pub struct Request {
    pub url: Secret,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

pub fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, key);
    aws_lc_rs::hmac::sign(&key, message).as_ref().to_vec()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// DingTalk's `sign` before URL encoding.
pub fn dingtalk_sign(timestamp_ms: i64, secret: &str) -> String {
    b64(&hmac_sha256(secret.as_bytes(), format!("{timestamp_ms}\n{secret}").as_bytes()))
}

/// Feishu's `sign`: the timestamp and secret are the key, the message is empty.
pub fn feishu_sign(timestamp_s: i64, secret: &str) -> String {
    b64(&hmac_sha256(format!("{timestamp_s}\n{secret}").as_bytes(), b""))
}

/// The generic webhook's signature header value.
pub fn webhook_signature(secret: &str, body: &[u8]) -> String {
    let mac = hmac_sha256(secret.as_bytes(), body);
    format!("sha256={}", mac.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

const JSON: (&str, &str) = ("content-type", "application/json; charset=utf-8");

fn json_request(url: String, body: serde_json::Value) -> Request {
    Request { url: Secret::new(url), headers: vec![(JSON.0, JSON.1.into())], body: body.to_string().into_bytes() }
}

/// The request for one message to a chat robot, signed at `now`.
pub fn chat_request(
    kind: ChannelKind,
    url: &Secret,
    secret: Option<&Secret>,
    msgtype: Msgtype,
    part: &Part,
    now: DateTime<Utc>,
) -> Request {
    let content = &part.body;
    match kind {
        ChannelKind::Dingtalk => {
            let mut url = url.expose().to_string();
            if let Some(secret) = secret {
                let ts = now.timestamp_millis();
                let sign: String =
                    url::form_urlencoded::byte_serialize(dingtalk_sign(ts, secret.expose()).as_bytes()).collect();
                url.push(if url.contains('?') { '&' } else { '?' });
                url.push_str(&format!("timestamp={ts}&sign={sign}"));
            }
            let body = match msgtype {
                Msgtype::Markdown => json!({"msgtype": "markdown", "markdown": {"title": part.title, "text": content}}),
                Msgtype::Text => json!({"msgtype": "text", "text": {"content": content}}),
            };
            json_request(url, body)
        }
        ChannelKind::Feishu => {
            let mut body = json!({"msg_type": "text", "content": {"text": content}});
            if let Some(secret) = secret {
                let ts = now.timestamp();
                body["timestamp"] = json!(ts.to_string());
                body["sign"] = json!(feishu_sign(ts, secret.expose()));
            }
            json_request(url.expose().to_string(), body)
        }
        // WeCom (and, unused, the rest): the key is in the URL, nothing is signed.
        _ => {
            let body = match msgtype {
                Msgtype::Markdown => json!({"msgtype": "markdown", "markdown": {"content": content}}),
                Msgtype::Text => json!({"msgtype": "text", "text": {"content": content}}),
            };
            json_request(url.expose().to_string(), body)
        }
    }
}

/// The generic webhook's body: the digest as JSON, with its summary, the report pointer and the
/// time it was sent (inside what the signature covers).
pub fn webhook_body(digest: &Digest, report: &str, now: DateTime<Utc>) -> Vec<u8> {
    let body = |d: &Digest, omitted: usize| {
        json!({
            "schema": "icp-patrol-alert/v1",
            "title": super::message::title(d),
            "sent_at": now.timestamp(),
            "report": report,
            "omitted": omitted,
            "digest": d,
        })
        .to_string()
        .into_bytes()
    };
    let full = body(digest, 0);
    if full.len() <= WEBHOOK_MAX_BYTES {
        return full;
    }
    let mut short = digest.clone();
    let keep = 1000;
    let omitted = short.findings.len().saturating_sub(keep) + short.overdue.len().saturating_sub(keep);
    short.findings.truncate(keep);
    short.overdue.truncate(keep);
    body(&short, omitted)
}

pub fn webhook_request(url: &Secret, secret: Option<&Secret>, body: Vec<u8>, now: DateTime<Utc>) -> Request {
    let mut headers = vec![(JSON.0, JSON.1.to_string()), ("x-icp-patrol-timestamp", now.timestamp().to_string())];
    if let Some(secret) = secret {
        headers.push(("x-icp-patrol-signature", webhook_signature(secret.expose(), &body)));
    }
    Request { url: url.clone(), headers, body }
}

/// Why a receiver did not take a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The vendor's error code (`errcode`, `code`), or the HTTP status.
    pub code: Option<i64>,
    pub detail: String,
    /// Worth another try (rate limits, server errors).
    pub transient: bool,
}

/// Vendor codes that mean "later": WeCom 45009, DingTalk 130101, Feishu 11232.
const BUSY: [i64; 3] = [45009, 130101, 11232];

/// Reads a receiver's answer: the chat robots answer HTTP 200 even when they refuse, with an error
/// code in the JSON; the generic webhook's status alone tells.
pub fn judge(kind: ChannelKind, status: u16, body: &[u8]) -> Result<(), Refusal> {
    let text = String::from_utf8_lossy(&body[..body.len().min(512)]).into_owned();
    if !(200..300).contains(&status) {
        return Err(Refusal {
            code: Some(i64::from(status)),
            detail: format!("HTTP {status}: {}", text.trim()),
            transient: status >= 500 || status == 429 || status == 408,
        });
    }
    let field = match kind {
        ChannelKind::Wecom | ChannelKind::Dingtalk => ["errcode", "errcode"],
        ChannelKind::Feishu => ["code", "StatusCode"],
        ChannelKind::Webhook | ChannelKind::Email => return Ok(()),
    };
    let Ok(answer) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Err(Refusal { code: None, detail: format!("not a JSON answer: {}", text.trim()), transient: false });
    };
    let code = field.iter().find_map(|f| answer.get(*f).and_then(serde_json::Value::as_i64));
    match code {
        Some(0) => Ok(()),
        Some(code) => {
            let msg = ["errmsg", "msg", "StatusMessage"].iter().find_map(|f| answer.get(*f).and_then(|v| v.as_str()));
            Err(Refusal {
                code: Some(code),
                detail: format!("error code {code}: {}", msg.unwrap_or("")),
                transient: BUSY.contains(&code),
            })
        }
        None => Err(Refusal {
            code: None,
            detail: format!("no error code in the answer: {}", text.trim()),
            transient: false,
        }),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn dingtalk_signs_the_query_and_feishu_the_body() {
        let now = Utc.timestamp_millis_opt(1_700_000_000_123).single().expect("time");
        let part = Part { title: "t".into(), body: "内容".into() };
        let secret = Secret::new("SECabc");
        let url = Secret::new("https://oapi.dingtalk.com/robot/send?access_token=tok");
        let r = chat_request(ChannelKind::Dingtalk, &url, Some(&secret), Msgtype::Markdown, &part, now);
        let parsed = url::Url::parse(r.url.expose()).expect("url");
        let q: std::collections::HashMap<_, _> = parsed.query_pairs().into_owned().collect();
        assert_eq!(q["access_token"], "tok");
        assert_eq!(q["timestamp"], "1700000000123");
        assert_eq!(q["sign"], dingtalk_sign(1_700_000_000_123, "SECabc"));
        let body: serde_json::Value = serde_json::from_slice(&r.body).expect("json");
        assert_eq!(body["markdown"]["text"], "内容");
        assert_eq!(body["markdown"]["title"], "t");

        let url = Secret::new("https://open.feishu.cn/open-apis/bot/v2/hook/abc");
        let r = chat_request(ChannelKind::Feishu, &url, Some(&secret), Msgtype::Markdown, &part, now);
        let body: serde_json::Value = serde_json::from_slice(&r.body).expect("json");
        assert_eq!(body["timestamp"], "1700000000");
        assert_eq!(body["sign"], feishu_sign(1_700_000_000, "SECabc"));
        assert_eq!(body["msg_type"], "text");
        assert_eq!(body["content"]["text"], "内容");
    }

    #[test]
    fn answers_with_an_error_code_are_failures() {
        assert!(judge(ChannelKind::Wecom, 200, br#"{"errcode":0,"errmsg":"ok"}"#).is_ok());
        let r =
            judge(ChannelKind::Wecom, 200, br#"{"errcode":93000,"errmsg":"invalid webhook url"}"#).expect_err("93000");
        assert_eq!(r.code, Some(93000));
        assert!(r.detail.contains("93000") && r.detail.contains("invalid webhook url") && !r.transient);
        assert!(
            judge(ChannelKind::Dingtalk, 200, br#"{"errcode":130101,"errmsg":"send too fast"}"#)
                .expect_err("busy")
                .transient
        );
        assert!(judge(ChannelKind::Feishu, 200, br#"{"code":0,"msg":"success","data":{}}"#).is_ok());
        assert!(judge(ChannelKind::Feishu, 200, br#"{"StatusCode":0,"StatusMessage":"success"}"#).is_ok());
        assert_eq!(
            judge(ChannelKind::Feishu, 200, br#"{"code":19021,"msg":"sign match fail"}"#).expect_err("sign").code,
            Some(19021)
        );
        assert!(judge(ChannelKind::Webhook, 204, b"").is_ok());
        assert!(judge(ChannelKind::Webhook, 503, b"busy").expect_err("5xx").transient);
        assert!(!judge(ChannelKind::Webhook, 404, b"").expect_err("4xx").transient);
    }

    #[test]
    fn each_chat_body_stays_inside_its_vendors_limit() {
        use crate::alert::digest::FindingItem;
        use crate::rules::{NoticeKind, Severity};
        let now = Utc::now();
        let mut d = Digest::new(now);
        for i in 0..2000 {
            d.findings.push(FindingItem {
                domain: format!("s{i}.example.cn"),
                target: format!("s{i}.example.cn"),
                check_id: "icp.link.outdated".into(),
                message: "备案号未链接至工信部备案管理系统".into(),
                severity: Severity::Warning,
                notice: NoticeKind::SpecialInspection,
                province: None,
                provider: None,
                first_seen: 0,
            });
        }
        let url = Secret::new("https://h/x");
        let secret = Secret::new("s");
        for (kind, msgtype, limit) in [
            (ChannelKind::Wecom, Msgtype::Markdown, 4096),
            (ChannelKind::Wecom, Msgtype::Text, 2048),
            (ChannelKind::Dingtalk, Msgtype::Markdown, 20_000),
        ] {
            let (style, limits) = format(kind, msgtype);
            let parts = super::super::message::render(&d, style, "p", limits);
            assert_eq!(parts.len(), MAX_PARTS);
            assert!(parts.iter().all(|p| p.body.len() <= limit), "{kind:?} {msgtype:?}");
        }
        let (style, limits) = format(ChannelKind::Feishu, Msgtype::Text);
        for part in super::super::message::render(&d, style, "p", limits) {
            let r = chat_request(ChannelKind::Feishu, &url, Some(&secret), Msgtype::Text, &part, now);
            assert!(r.body.len() <= FEISHU_MAX_BODY, "{} bytes", r.body.len());
        }
        assert!(webhook_body(&d, "p", now).len() <= WEBHOOK_MAX_BYTES);
    }
}
