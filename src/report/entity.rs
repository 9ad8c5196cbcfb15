//! An entity (主办单位) and its filed sites: found from what a reviewer types — the principal's name,
//! an entity or site number, or one of its filed domains. The pre-check scans its sites; reports can be
//! limited to it (`report --entity`). Pure: over the stored filings.

use serde::{Deserialize, Serialize};

use crate::filing::{FilingRecord, IcpNumber};
use crate::store::StoredFiling;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// 主办单位名称 as filed.
    pub principal: String,
    /// The entity number (主体备案号: the site number without `-N`), when the filings carry one.
    pub entity_number: Option<String>,
}

fn entity_number(r: &FilingRecord) -> Option<String> {
    r.site_number().map(|n| n.entity_text())
}

impl Entity {
    /// Whether a filing belongs to the entity: the same principal or the same entity number.
    pub fn includes(&self, r: &FilingRecord) -> bool {
        r.principal.trim() == self.principal.trim()
            || self.entity_number.is_some() && entity_number(r) == self.entity_number
    }

    /// The entity a query names, if any filing of the store does: an entity or site number, a filed
    /// domain (or its `www.`), or a principal's exact name.
    pub fn resolve(filings: &[StoredFiling], query: &str) -> Option<Entity> {
        let query = query.trim();
        let of =
            |r: &FilingRecord| Entity { principal: r.principal.trim().to_string(), entity_number: entity_number(r) };
        if let Ok(number) = IcpNumber::parse(query) {
            let wanted = number.entity_text();
            return filings.iter().map(|f| &f.record).find(|r| entity_number(r) == Some(wanted.clone())).map(of);
        }
        if let Ok(host) = crate::domain::normalise_host(query) {
            let bare = host.strip_prefix("www.").unwrap_or(&host);
            if let Some(r) = filings.iter().map(|f| &f.record).find(|r| r.domain == host || r.domain == bare) {
                return Some(of(r));
            }
        }
        filings.iter().map(|f| &f.record).find(|r| r.principal.trim() == query).map(of)
    }

    /// The entity as reviewers read it: `北京示例科技有限公司（京ICP备16020626号）`.
    pub fn describe(&self) -> String {
        match &self.entity_number {
            Some(n) => format!("{}（{n}）", self.principal),
            None => self.principal.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(domain: &str, number: &str, principal: &str) -> StoredFiling {
        StoredFiling {
            record: FilingRecord {
                domain: domain.into(),
                site_number: number.into(),
                principal: principal.into(),
                principal_type: "企业".into(),
                site_name: "示例科技官网".into(),
                approved_on: "2024-03-01".parse().expect("date"),
                opened_on: None,
                psb_code: None,
                license: None,
                preapprovals: vec![],
                provider: None,
                filed_ips: vec![],
            },
            province: Some("北京".into()),
            status: "active".into(),
            first_online: None,
        }
    }

    #[test]
    fn an_entity_is_found_by_name_number_or_domain() {
        let filings = vec![
            stored("a.example.cn", "京ICP备16020626号-1", "北京示例科技有限公司"),
            stored("b.example.cn", "京ICP备16020626号-2", "北京示例科技有限公司"),
            stored("c.example.cn", "京ICP备11111111号-1", "另一家公司"),
        ];
        let want = Entity {
            principal: "北京示例科技有限公司".into(), entity_number: Some("京ICP备16020626号".into())
        };
        for q in
            ["北京示例科技有限公司", "京ICP备16020626号", "京ICP备16020626号-2", "www.b.example.cn", "a.example.cn"]
        {
            assert_eq!(Entity::resolve(&filings, q).as_ref(), Some(&want), "{q}");
        }
        assert_eq!(Entity::resolve(&filings, "北京示例"), None, "a name is matched whole");
        assert_eq!(Entity::resolve(&filings, "京ICP备99999999号"), None);
        let members: Vec<&str> =
            filings.iter().filter(|f| want.includes(&f.record)).map(|f| f.record.domain.as_str()).collect();
        assert_eq!(members, ["a.example.cn", "b.example.cn"]);
    }
}
